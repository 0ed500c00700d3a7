package coop.steward.agent;

import coop.steward.agent.config.LastGoodConfig;
import coop.steward.agent.outbox.OutboxException;
import coop.steward.config.ConfigCommand;
import coop.steward.config.ConfigException;
import coop.steward.config.DeviceConfig;
import coop.steward.config.DeviceConfigLoader;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code steward agent}, and on its own the main class of {@code steward-agent.jar}: the agent alone, which is what
 * a Pi runs. That jar leaves out the collector, its web server and the demo broker, and so their memory.
 */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = {"Runs one edge agent, on real hardware or simulated sensors as its config says.",
                "If a config pushed to the device later than FILE was last changed is kept in its storage folder "
                        + "(last-good.yaml), the agent starts with that one; see docs/reliability.md."})
public final class AgentCommand implements Callable<Integer> {
    // Not required=true: picocli would then demand it before steward-agent.jar's "config validate" too.
    @Option(names = "--config", paramLabel = "FILE", description = "the device config (YAML); required")
    Path config;

    @Spec
    CommandSpec spec;

    /** {@code java -jar steward-agent.jar --config FILE}, or {@code ... config validate FILE} before installing. */
    public static void main(String[] args) {
        CommandLine agent = new CommandLine(new AgentCommand()).setCommandName("steward-agent.jar");
        agent.addSubcommand(new ConfigCommand());
        System.exit(agent.execute(args));
    }

    @Override
    public Integer call() {
        if (config == null) {
            throw new ParameterException(spec.commandLine(), "Missing required option: '--config=FILE'");
        }
        DeviceConfig device;
        try {
            device = DeviceConfigLoader.load(config);
        } catch (ConfigException e) {
            e.errors().forEach(error -> System.err.println(error));
            return 1;
        }
        Agent agent;
        try {
            LastGoodConfig.Start start = LastGoodConfig.choose(config, device);
            agent = Agent.create(start.config(), Clock.systemUTC()).withConfigHash(start.hash())
                    .withLocalConfig(device);
        } catch (IllegalArgumentException | OutboxException e) {
            System.err.println(config + ": " + e.getMessage());
            return 1;
        }
        agent.start();
        UntilStopped.await(() -> agent.stop(Duration.ofSeconds(5)));
        return 0;
    }
}
