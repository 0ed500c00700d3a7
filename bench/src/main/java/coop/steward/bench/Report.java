package coop.steward.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * docs/benchmarks.md, written by the harness from the figures of one run; only a section headed {@value #BY_HAND}
 * (figures measured by hand before the harness could, which no run can measure again) is kept from the file it
 * replaces.
 */
final class Report {
    static final String BY_HAND = "## Measured by hand";

    /** One measured figure beside the baseline that was run with it. */
    record Row(String what, String steward, String baseline, String ratio, String target, String verdict) {
    }

    private final List<Row> rows = new ArrayList<>();
    /** Taken when the run starts: the code measured, whatever is committed while it runs. */
    private final String commit = Machine.commit();
    private final List<String> notes = new ArrayList<>();

    void add(Row row) {
        rows.add(row);
    }

    void note(String note) {
        notes.add(note);
    }

    static String rate(double perSecond) {
        return String.format(Locale.ROOT, "%,.0f readings/s", perSecond);
    }

    static String ratio(double ratio) {
        return String.format(Locale.ROOT, "%.2f", ratio);
    }

    /**
     * A ratio beside its target of at least {@code atLeast}: two places, or more where two would round one short of
     * the target up to it, so that "0.85" never stands beside "NOT met" (0.8453 of 0.85 did).
     */
    static String ratio(double ratio, double atLeast) {
        int places = 2;
        while (ratio < atLeast && places < 6
                && Double.parseDouble(String.format(Locale.ROOT, "%." + places + "f", ratio)) >= atLeast) {
            places++;
        }
        return String.format(Locale.ROOT, "%." + places + "f", ratio);
    }

    static String ms(double ms) {
        return String.format(Locale.ROOT, "%.1f ms", ms);
    }

    static String verdict(boolean met) {
        return met ? "met" : "NOT met";
    }

    void write(Path file, String load) throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n");
        md.append("Written by `bin/bench` (the harness in `bench/`); every figure below comes from the run it\n");
        md.append("describes, and each Steward figure stands beside a baseline measured in the same run on the\n");
        md.append("same machine. Run `bin/bench` to measure your own machine; it rewrites this file, all but\n");
        md.append("its last section, measured by hand.\n\n");
        md.append("| run | |\n|---|---|\n");
        md.append("| date | ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append(" |\n");
        md.append("| machine | ").append(Machine.describe()).append(" |\n");
        md.append("| Java | ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.version")).append(" |\n");
        md.append("| commit | ").append(commit).append(" |\n");
        md.append("| load | ").append(load).append(" |\n\n");
        md.append("| what | Steward | baseline run beside it | ratio | target | |\n");
        md.append("|---|---|---|---|---|---|\n");
        for (Row row : rows) {
            md.append("| ").append(row.what()).append(" | ").append(row.steward()).append(" | ").append(row.baseline())
                    .append(" | ").append(row.ratio()).append(" | ").append(row.target()).append(" | ")
                    .append(row.verdict()).append(" |\n");
        }
        if (!notes.isEmpty()) {
            md.append("\n## Notes\n\n");
            for (String note : notes) {
                md.append("- ").append(note).append('\n');
            }
        }
        md.append(byHand(file));
        Files.writeString(file, md.toString(), StandardCharsets.UTF_8);
    }

    /** The section measured by hand of the file this run replaces, from its heading to the end; or nothing. */
    static String byHand(Path file) throws IOException {
        if (!Files.exists(file)) {
            return "";
        }
        String old = Files.readString(file, StandardCharsets.UTF_8);
        int at = old.indexOf("\n" + BY_HAND + "\n");
        return at < 0 ? "" : old.substring(at);
    }

    /** Facts about the machine and the code that was measured. */
    static final class Machine {
        private Machine() {
        }

        static String describe() {
            String cpu = "unknown CPU";
            try {
                for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                    if (line.startsWith("model name")) {
                        cpu = line.substring(line.indexOf(':') + 1).trim();
                        break;
                    }
                }
            } catch (IOException e) {
                // keep "unknown CPU"
            }
            long memory = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getTotalMemorySize();
            return Runtime.getRuntime().availableProcessors() + " cores, " + cpu + ", "
                    + (memory >> 30) + " GiB";
        }

        static String commit() {
            try {
                Process rev = new ProcessBuilder("git", "rev-parse", "--short", "HEAD").redirectErrorStream(true).start();
                String commit = new String(rev.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                Process status = new ProcessBuilder("git", "status", "--porcelain", "--untracked-files=no")
                        .redirectErrorStream(true).start();
                boolean dirty = !new String(status.getInputStream().readAllBytes(), StandardCharsets.UTF_8).isBlank();
                return rev.waitFor() == 0 ? commit + (dirty ? " with uncommitted changes" : "") : "unknown";
            } catch (IOException | InterruptedException e) {
                return "unknown";
            }
        }
    }
}
