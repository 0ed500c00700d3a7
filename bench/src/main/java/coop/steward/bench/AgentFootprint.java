package coop.steward.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The edge agent's footprint as a separate process, the way it runs on a Pi: resident memory and CPU time over
 * a minute with 8 simulated sensors at 1 Hz, beside an idle JVM started with the same flags.
 */
final class AgentFootprint {
    /** The JVM flags docs/hardware.md gives the agent's systemd unit. */
    static final List<String> JVM_FLAGS = List.of("-Xmx16m", "-Xms8m", "-Xss256k", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-XX:ReservedCodeCacheSize=8m",
            "-XX:MaxMetaspaceSize=48m");
    /** glibc's per-thread malloc arenas would otherwise cost several MiB of resident memory each. */
    static final String MALLOC_ARENA_MAX = "2";
    private static final long CLOCK_TICKS = 100; // USER_HZ on Linux
    /** What bin/steward runs; bin/bench builds it. */
    static final Path STEWARD_JAR = Path.of("launcher/target/steward.jar");

    record Usage(double rssMiB, double cpuPercentOfOneCore) {
    }

    private AgentFootprint() {
    }

    static Usage agent(Path dir, String brokerUrl, int warmupSeconds, int seconds) throws Exception {
        Path config = dir.resolve("agent.yaml");
        StringBuilder yaml = new StringBuilder("""
                site: bench
                device: footprint
                mqtt: {url: %s}
                storage: {dir: '%s'}
                sensors:
                """.formatted(brokerUrl, dir.resolve("agent-data")));
        String[] kinds = {"soil_moisture", "soil_moisture", "soil_temperature", "flow_rate", "valve_state",
            "solar_power", "irradiance", "battery_soc"};
        for (int i = 0; i < kinds.length; i++) {
            yaml.append("  - {id: s").append(i).append(", kind: ").append(kinds[i])
                    .append(", intervalSeconds: 1, source: {type: simulated}}\n");
        }
        Files.writeString(config, yaml.toString(), StandardCharsets.UTF_8);
        return measure(STEWARD_JAR.toString(), List.of("coop.steward.launcher.Steward", "agent", "--config",
                config.toString()), dir.resolve("agent.log"), warmupSeconds, seconds);
    }

    static Usage idleJvm(Path dir, int warmupSeconds, int seconds) throws Exception {
        return measure(System.getProperty("java.class.path"), List.of(IdleJvm.class.getName()),
                dir.resolve("idle.log"), warmupSeconds, seconds);
    }

    private static Usage measure(String classPath, List<String> mainAndArgs, Path log, int warmupSeconds,
                                 int seconds) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_FLAGS);
        command.add("-cp");
        command.add(classPath);
        command.addAll(mainAndArgs);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("MALLOC_ARENA_MAX", MALLOC_ARENA_MAX);
        Process process = builder.start();
        try {
            TimeUnit.SECONDS.sleep(warmupSeconds);
            check(process, log);
            long before = cpuTicks(process.pid());
            TimeUnit.SECONDS.sleep(seconds);
            check(process, log);
            long ticks = cpuTicks(process.pid()) - before;
            double rss = rssKiB(process.pid()) / 1024.0;
            return new Usage(rss, 100.0 * ticks / CLOCK_TICKS / seconds);
        } finally {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void check(Process process, Path log) throws IOException {
        if (!process.isAlive()) {
            throw new IllegalStateException("the measured process exited early:\n" + Files.readString(log));
        }
    }

    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
    }

    private static long rssKiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS for process " + pid);
    }

    /** The baseline: a JVM that only waits. */
    public static final class IdleJvm {
        private IdleJvm() {
        }

        public static void main(String[] args) throws InterruptedException {
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
