package coop.steward.launcher;

import coop.steward.agent.Agent;
import coop.steward.agent.UntilStopped;
import coop.steward.config.DeviceConfigLoader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * The agent of {@code bin/steward agent --config FILE}, as its own process, printing {@code sensor@t} for every
 * reading it takes the moment it takes it, before the reading can go anywhere: a test that kills it knows exactly
 * what it took. For {@link AgentRandomKillTest}.
 */
public final class TakingAgent {
    private TakingAgent() {
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        Agent agent = Agent.create(DeviceConfigLoader.load(Path.of(args[0])), Clock.systemUTC());
        agent.onReading(r -> {
            synchronized (out) {
                out.println(r.sensor() + "@" + r.t());
                out.flush();
            }
        });
        agent.start();
        UntilStopped.await(() -> agent.stop(Duration.ofSeconds(10)));
    }
}
