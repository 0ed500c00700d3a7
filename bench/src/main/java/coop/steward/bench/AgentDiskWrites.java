package coop.steward.bench;

import coop.steward.config.DeviceConfigLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Bytes the edge agent writes to disk a day with each example config, at the real pace, as its own process with
 * its systemd unit's flags, while a collector confirms what it sends. Beside each, the same agent with
 * {@code publish.holdSeconds: 0}: every message written to the outbox before it is sent and deleted when
 * confirmed, Steward's policy before issue 15. All of them run at once.
 */
final class AgentDiskWrites {
    /** One example's figures, in bytes over the same seconds. */
    record Result(String example, long bytes, long baselineBytes, double seconds) {
        double mbPerDay() {
            return WriteBytes.mbPerDay(bytes, seconds);
        }

        double baselineMbPerDay() {
            return WriteBytes.mbPerDay(baselineBytes, seconds);
        }
    }

    private record Running(Path example, Process agent, Process baseline, Path log, Path baselineLog) {
    }

    private AgentDiskWrites() {
    }

    static List<Result> measure(Path dir, String brokerUrl, int warmupSeconds, int seconds) throws Exception {
        List<Running> running = new ArrayList<>();
        try {
            for (Path example : ExampleConfigs.all()) {
                String name = example.getFileName().toString().replace(".yaml", "");
                String device = DeviceConfigLoader.load(example).device();
                Duration hold = DeviceConfigLoader.load(example).publish().hold();
                Path log = dir.resolve(name + ".log");
                Path baselineLog = dir.resolve(name + "-hold0.log");
                running.add(new Running(example,
                        start(dir.resolve(name + ".yaml"), ExampleConfigs.simulated(example, device, brokerUrl,
                                dir.resolve(name), hold), log),
                        start(dir.resolve(name + "-hold0.yaml"), ExampleConfigs.simulated(example, device + "-hold0",
                                brokerUrl, dir.resolve(name + "-hold0"), Duration.ZERO), baselineLog),
                        log, baselineLog));
            }
            TimeUnit.SECONDS.sleep(warmupSeconds);
            long[] before = new long[running.size() * 2];
            for (int i = 0; i < running.size(); i++) {
                before[2 * i] = WriteBytes.of(running.get(i).agent().pid());
                before[2 * i + 1] = WriteBytes.of(running.get(i).baseline().pid());
            }
            long start = System.nanoTime();
            TimeUnit.SECONDS.sleep(seconds);
            List<Result> results = new ArrayList<>();
            for (int i = 0; i < running.size(); i++) {
                Running r = running.get(i);
                AgentFootprint.check(r.agent(), r.log());
                AgentFootprint.check(r.baseline(), r.baselineLog());
                results.add(new Result(r.example().getFileName().toString(),
                        WriteBytes.of(r.agent().pid()) - before[2 * i],
                        WriteBytes.of(r.baseline().pid()) - before[2 * i + 1], (System.nanoTime() - start) / 1e9));
            }
            return results;
        } finally {
            for (Running r : running) {
                stop(r.agent());
                stop(r.baseline());
            }
        }
    }

    private static Process start(Path config, String yaml, Path log) throws Exception {
        Files.writeString(config, yaml, StandardCharsets.UTF_8);
        return AgentFootprint.startAsTheUnitDoes(AgentFootprint.AGENT_JAR.toString(),
                List.of("coop.steward.agent.AgentCommand", "--config", config.toString()), log);
    }

    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
