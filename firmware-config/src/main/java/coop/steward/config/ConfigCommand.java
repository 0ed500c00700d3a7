package coop.steward.config;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code steward config}: works on device configuration files. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Works on device configuration files.",
        subcommands = ValidateConfigCommand.class)
public final class ConfigCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** Without a sub-command there is nothing to do: a usage error, with the help that says what there is. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing a sub-command, such as: config validate FILE...");
    }
}
