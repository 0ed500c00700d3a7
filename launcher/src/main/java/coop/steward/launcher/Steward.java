package coop.steward.launcher;

import coop.steward.agent.AgentCommand;
import coop.steward.config.ConfigCommand;
import coop.steward.launcher.identity.IdentitiesCommand;
import coop.steward.launcher.people.RotaCommand;
import coop.steward.launcher.people.UserCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bin/steward}: one launcher, one sub-command per role. */
@Command(name = "steward", mixinStandardHelpOptions = true, version = "Steward 0.1.0",
        description = "Watches over food forests and small solar installations.",
        subcommands = {DemoCommand.class, CollectorCommand.class, AgentCommand.class, ConfigCommand.class,
                IdentitiesCommand.class, UserCommand.class, RotaCommand.class})
public final class Steward implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The whole command line. {@code config push} joins the {@code config} command here: it needs MQTT, which
     * firmware-config (where {@code config} lives) does not depend on.
     */
    static CommandLine commandLine() {
        CommandLine steward = new CommandLine(new Steward());
        steward.getSubcommands().get("config").addSubcommand("push", new ConfigPushCommand());
        return steward;
    }
}
