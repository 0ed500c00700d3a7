package coop.steward.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.DoubleStream;

/**
 * One timed ingest run: its rate and the CPU the whole machine spent on it (every process: publishers, broker,
 * database and Steward), from /proc/stat. The CPU shows where a two-core machine runs out.
 */
record Timed(double rate, double coreSeconds, long readings) {
    /** Linux's USER_HZ, the unit of /proc/stat, is 100 on every architecture Steward runs on. */
    static final double TICKS_PER_SECOND = 100;

    /** Core-seconds of CPU per million readings. */
    double cpuPerMillion() {
        return coreSeconds * 1e6 / readings;
    }

    /** Cores kept busy on average while it ran. */
    double coresBusy() {
        return coreSeconds / (readings / rate);
    }

    /**
     * The middle of several runs of one load, figure by figure: the median rate and the median CPU per million
     * readings (on this two-core virtual machine, single runs of the same thing differed by a quarter).
     */
    static Timed median(List<Timed> runs) {
        double rate = middle(runs.stream().mapToDouble(Timed::rate));
        double cpuPerMillion = middle(runs.stream().mapToDouble(Timed::cpuPerMillion));
        long readings = runs.get(0).readings();
        return new Timed(rate, cpuPerMillion * readings / 1e6, readings);
    }

    /** The median of some figures. */
    static double middle(DoubleStream values) {
        double[] sorted = values.sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** Each run's rate and CPU per million readings, for the report's notes. */
    static String each(List<Timed> runs) {
        return runs.stream().map(r -> String.format(Locale.ROOT, "%,.0f/s %.2f", r.rate(),
                r.cpuPerMillion())).collect(Collectors.joining(", "));
    }

    /** Starts the clock and the CPU count together; {@link Clock#stop} ends both. */
    static Clock start() {
        return new Clock(System.nanoTime(), busyTicks());
    }

    record Clock(long startNanos, long startTicks) {
        Timed stop(long readings) {
            return lap().timed(readings);
        }

        /** The time and the machine's CPU since this clock started, without stopping it. */
        Span lap() {
            return new Span((System.nanoTime() - startNanos) / 1e9, (busyTicks() - startTicks) / TICKS_PER_SECOND);
        }
    }

    /** Seconds since a clock started, and the core-seconds every process spent in them. */
    record Span(double seconds, double coreSeconds) {
        /** The part of {@code later} after this one. */
        Span until(Span later) {
            return new Span(later.seconds - seconds, later.coreSeconds - coreSeconds);
        }

        /** Cores kept busy on average. */
        double coresBusy() {
            return seconds > 0 ? coreSeconds / seconds : 0;
        }

        /** The run of {@code readings} that took this span. */
        Timed timed(long readings) {
            return new Timed(readings / seconds, coreSeconds, readings);
        }
    }

    /** CPUs that /proc/stat counts, the machine's, which a container's limit or affinity does not change. */
    static int machineCores() {
        return (int) procStat().stream().filter(l -> l.matches("cpu\\d+ .*")).count();
    }

    /**
     * Ticks all CPUs spent working since boot: user, nice, system, irq and softirq. Not idle or I/O wait, and not
     * steal, the time a virtual machine's host ran something else instead.
     */
    private static long busyTicks() {
        String[] fields = procStat().get(0).trim().split("\\s+");
        long busy = 0;
        for (int i = 1; i < fields.length && i <= 7; i++) {
            if (i != 4 && i != 5) { // idle and iowait
                busy += Long.parseLong(fields[i]);
            }
        }
        return busy;
    }

    private static List<String> procStat() {
        try {
            return Files.readAllLines(Path.of("/proc/stat"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/stat: the harness needs Linux", e);
        }
    }
}
