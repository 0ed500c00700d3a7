package coop.steward.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The edge agent's footprint as a separate process, the way it runs on a Pi: resident memory and CPU time over
 * a minute with 8 simulated sensors at 1 Hz, beside an idle JVM started with the same flags.
 */
final class AgentFootprint {
    /** What the Pi runs; bin/bench builds it. */
    static final Path AGENT_JAR = Path.of("edge-agent/target/steward-agent.jar");
    /** The agent is measured with exactly the JVM flags and environment its systemd unit gives it. */
    static final Path UNIT = Path.of("edge-agent/systemd/steward-agent.service");

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
        return measure(AGENT_JAR.toString(), List.of("coop.steward.agent.AgentCommand", "--config",
                config.toString()), dir.resolve("agent.log"), warmupSeconds, seconds);
    }

    static Usage idleJvm(Path dir, int warmupSeconds, int seconds) throws Exception {
        return measure(System.getProperty("java.class.path"), List.of(IdleJvm.class.getName()),
                dir.resolve("idle.log"), warmupSeconds, seconds);
    }

    private static Usage measure(String classPath, List<String> mainAndArgs, Path log, int warmupSeconds,
                                 int seconds) throws Exception {
        Process process = startAsTheUnitDoes(classPath, mainAndArgs, log);
        try {
            TimeUnit.SECONDS.sleep(warmupSeconds);
            check(process, log);
            long before = PartsCpu.cpuTicks(process.pid());
            TimeUnit.SECONDS.sleep(seconds);
            check(process, log);
            long ticks = PartsCpu.cpuTicks(process.pid()) - before;
            double rss = rssKiB(process.pid()) / 1024.0;
            return new Usage(rss, 100.0 * ticks / Timed.TICKS_PER_SECOND / seconds);
        } finally {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** A JVM with the agent unit's flags and environment, its output to {@code log}. */
    static Process startAsTheUnitDoes(String classPath, List<String> mainAndArgs, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags());
        command.add("-cp");
        command.add(classPath);
        command.addAll(mainAndArgs);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment());
        return builder.start();
    }

    /** The options between {@code java} and {@code -jar} on the unit's ExecStart line. */
    static List<String> jvmFlags() throws IOException {
        for (String line : Files.readAllLines(UNIT)) {
            if (line.startsWith("ExecStart=")) {
                List<String> words = List.of(line.substring("ExecStart=".length()).split(" +"));
                return words.subList(1, words.indexOf("-jar"));
            }
        }
        throw new IllegalStateException(UNIT + " has no ExecStart line");
    }

    /** The flags and environment, as the report shows them. */
    static String unitSettings() throws IOException {
        StringBuilder settings = new StringBuilder(String.join(" ", jvmFlags()));
        environment().forEach((name, value) -> settings.append(", ").append(name).append('=').append(value));
        return settings.toString();
    }

    /** The unit's {@code Environment=NAME=value} lines. */
    static Map<String, String> environment() throws IOException {
        Map<String, String> environment = new LinkedHashMap<>();
        for (String line : Files.readAllLines(UNIT)) {
            if (line.startsWith("Environment=")) {
                String[] pair = line.substring("Environment=".length()).split("=", 2);
                environment.put(pair[0], pair[1]);
            }
        }
        return environment;
    }

    static void check(Process process, Path log) throws IOException {
        if (!process.isAlive()) {
            throw new IllegalStateException("the measured process exited early:\n" + Files.readString(log));
        }
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
