package coop.steward.launcher;

import coop.steward.agent.Agent;
import coop.steward.agent.config.LastGoodConfig;
import coop.steward.agent.outbox.OutboxException;
import coop.steward.config.ConfigException;
import coop.steward.config.DeviceConfig;
import coop.steward.config.DeviceConfigLoader;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "agent", mixinStandardHelpOptions = true,
        description = {"Runs one edge agent, on real hardware or simulated sensors as its config says.",
                "If a config pushed to the device later than FILE was last changed is kept in its storage folder "
                        + "(last-good.yaml), the agent starts with that one; see docs/reliability.md."})
final class AgentCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE", description = "the device config (YAML)")
    Path config;

    @Override
    public Integer call() {
        DeviceConfig device;
        try {
            device = DeviceConfigLoader.load(config);
        } catch (ConfigException e) {
            e.errors().forEach(error -> System.err.println(error));
            return 1;
        }
        Agent agent;
        try {
            agent = Agent.create(LastGoodConfig.choose(config, device), Clock.systemUTC());
        } catch (IllegalArgumentException | OutboxException e) {
            System.err.println(config + ": " + e.getMessage());
            return 1;
        }
        agent.start();
        UntilStopped.await(() -> agent.stop(Duration.ofSeconds(5)));
        return 0;
    }
}
