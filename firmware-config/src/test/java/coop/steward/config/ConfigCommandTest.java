package coop.steward.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ConfigCommandTest {
    @TempDir
    Path tmp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void validFiles_printOkPerFile_andExitZero() throws IOException {
        Path bed1 = write("bed-1.yaml", DeviceConfigLoaderTest.minimal(""));
        Path bed2 = write("bed-2.yaml", DeviceConfigLoaderTest.minimal("").replace("bed-1", "bed-2"));

        int exit = execute("validate", bed1.toString(), bed2.toString());

        assertThat(exit).isZero();
        assertThat(out.toString().lines()).containsExactly(
                "ok: " + bed1 + " (food-forest/bed-1, 1 sensors)",
                "ok: " + bed2 + " (food-forest/bed-2, 1 sensors)");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void anyInvalidFile_printsEveryErrorWithFileAndLine_andExitsOne() throws IOException {
        Path good = write("good.yaml", DeviceConfigLoaderTest.minimal(""));
        Path bad = write("bad.yaml", DeviceConfigLoaderTest.minimal("")
                .replace("device: bed-1", "device: Bed 1")
                .replace("soil_moisture", "soil_moist"));
        Path missing = tmp.resolve("missing.yaml");

        int exit = execute("validate", good.toString(), bad.toString(), missing.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString().lines()).containsExactly("ok: " + good + " (food-forest/bed-1, 1 sensors)");
        assertThat(err.toString().lines()).satisfiesExactly(
                line -> assertThat(line).startsWith(bad + ":2: device: 'Bed 1' is not a valid id"),
                line -> assertThat(line).startsWith(bad + ":5: sensors[0].kind: 'soil_moist' is not a known kind"),
                line -> assertThat(line).startsWith(missing + ": the file does not exist"));
    }

    @Test
    void validateWithoutFiles_isAUsageError() {
        assertThat(execute("validate")).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required parameter: 'FILE'");
    }

    @Test
    void help_describesTheCommands() {
        assertThat(execute("--help")).isZero();
        assertThat(out.toString()).contains("validate");

        assertThat(execute("validate", "--help")).isZero();
        assertThat(out.toString()).contains("FILE...");
    }

    @Test
    void configWithoutSubcommand_isAUsageError() {
        assertThat(execute()).isEqualTo(2);
        assertThat(err.toString()).contains("config validate FILE...");
    }

    private int execute(String... args) {
        CommandLine commandLine = new CommandLine(new ConfigCommand());
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    private Path write(String name, String yaml) throws IOException {
        return Files.writeString(tmp.resolve(name), yaml);
    }
}
