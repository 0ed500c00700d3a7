package coop.steward.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The CPU each part of a run spent (its processes' user and system time, from /proc/{pid}/stat), so that a report
 * can say where a machine's cores went, not only that they were busy.
 */
final class PartsCpu {
    private final Map<String, List<Long>> parts;
    private final Map<String, Long> startTicks;

    private PartsCpu(Map<String, List<Long>> parts) {
        this.parts = parts;
        this.startTicks = ticks(parts);
    }

    /** Starts counting, part name to its processes' ids, in the order the report lists them. */
    static PartsCpu start(Map<String, List<Long>> parts) {
        return new PartsCpu(new LinkedHashMap<>(parts));
    }

    /** Core-seconds each part spent since {@link #start}; a process that ended meanwhile counts as nothing more. */
    Map<String, Double> stop() {
        Map<String, Long> end = ticks(parts);
        Map<String, Double> spent = new LinkedHashMap<>();
        end.forEach((part, ticks) -> spent.put(part, Math.max(0, ticks - startTicks.get(part)) / Timed.TICKS_PER_SECOND));
        return spent;
    }

    /** As a report says it: each part's core-seconds per million readings. */
    static String perMillion(Map<String, Double> spent, long readings) {
        return spent.entrySet().stream().map(e -> String.format(Locale.ROOT, "%s %.0f", e.getKey(),
                e.getValue() * 1e6 / readings)).collect(Collectors.joining(", "));
    }

    private static Map<String, Long> ticks(Map<String, List<Long>> parts) {
        Map<String, Long> ticks = new LinkedHashMap<>();
        parts.forEach((part, pids) -> ticks.put(part, pids.stream().mapToLong(PartsCpu::ticks).sum()));
        return ticks;
    }

    /** utime + stime of one process, 0 if it is gone. */
    static long ticks(long pid) {
        try {
            return cpuTicks(pid);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** utime + stime of one process, in clock ticks ({@link Timed#TICKS_PER_SECOND}). */
    static long cpuTicks(long pid) throws IOException {
        return cpuTicks(Path.of("/proc", Long.toString(pid)));
    }

    /** utime + stime of a process or thread, {@code /proc/{pid}} or {@code /proc/{pid}/task/{tid}}, in clock ticks. */
    static long cpuTicks(Path process) throws IOException {
        String stat = Files.readString(process.resolve("stat"));
        // The command name, in parentheses, may hold spaces: the fields that follow are counted from its end.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
}
