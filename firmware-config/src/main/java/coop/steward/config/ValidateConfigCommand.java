package coop.steward.config;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code steward config validate FILE...}: checks device configs the way the agent will read them. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Checks device configuration files.",
                "Prints 'ok: FILE (site/device, N sensors)' for each valid file and 'FILE:LINE: FIELD: problem' "
                        + "for every problem found.",
                "Exit code: 0 when every file is valid, 1 otherwise."})
public final class ValidateConfigCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "device config files (YAML)")
    List<Path> files;

    @Override
    public Integer call() {
        // The command line's writers, so a launcher or a test can capture what is printed.
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean allValid = true;
        for (Path file : files) {
            try {
                DeviceConfig config = DeviceConfigLoader.load(file);
                String actuators = config.actuators().isEmpty() ? "" : ", " + config.actuators().size() + " actuators";
                out.println("ok: " + file + " (" + config.site() + "/" + config.device() + ", "
                        + config.sensors().size() + " sensors" + actuators + ")");
            } catch (ConfigException e) {
                e.errors().forEach(err::println);
                allValid = false;
            }
        }
        out.flush();
        err.flush();
        return allValid ? 0 : 1;
    }
}
