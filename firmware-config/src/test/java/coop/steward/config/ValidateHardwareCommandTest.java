package coop.steward.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code bin/steward config validate} on the shipped wiring examples, and on the three wiring mistakes. */
class ValidateHardwareCommandTest {
    private static final Path EXAMPLES = Path.of("examples");

    @TempDir
    Path tmp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void everyShippedExample_isAccepted() throws IOException {
        List<String> files = new ArrayList<>();
        try (Stream<Path> examples = Files.list(EXAMPLES)) {
            examples.filter(file -> file.toString().endsWith(".yaml")).sorted().forEach(f -> files.add(f.toString()));
        }
        files.add(0, "validate");

        int exit = execute(files.toArray(String[]::new));

        assertThat(err.toString()).isEmpty();
        assertThat(exit).isZero();
        assertThat(out.toString().lines()).hasSize(files.size() - 1).allMatch(line -> line.startsWith("ok: "));
        assertThat(out.toString()).contains("pi-soil-ads1115.yaml", "pi-soil-mcp3008.yaml", "pi-irrigation.yaml",
                "pi-solar-ina219.yaml", "pi-battery-ina226.yaml", "(food-forest/bed-3, 2 sensors, 1 actuators)");
    }

    @Test
    void aWrongI2cAddress_isRefusedNamingItsLine() throws IOException {
        Path file = write("ads.yaml", example("pi-soil-ads1115.yaml").replaceFirst("address: 0x48", "address: 0x40"));

        assertThat(execute("validate", file.toString())).isEqualTo(1);
        assertThat(err.toString()).startsWith(file + ":" + lineOf(file, "address: 0x40")
                + ": sensors[0].source.address: 0x40 is not an address this chip can have");
    }

    @Test
    void aDuplicateGpioPin_isRefusedNamingBothLines() throws IOException {
        Path file = write("irrigation.yaml", example("pi-irrigation.yaml").replace("gpio: 27", "gpio: 17"));

        assertThat(execute("validate", file.toString())).isEqualTo(1);
        int sensorLine = lineOf(file, "# header pin 11");
        int actuatorLine = lineOf(file, "# header pin 13");
        assertThat(err.toString().lines()).containsExactly(
                file + ":" + sensorLine + ": sensors[0].source.gpio: GPIO 17 is used again by actuators[0] (line "
                        + actuatorLine + "); every sensor and actuator needs a pin of its own",
                file + ":" + actuatorLine + ": actuators[0].gpio: GPIO 17 is already used by the flow meter of "
                        + "sensors[0] (line " + sensorLine + "); every sensor and actuator needs a pin of its own");
    }

    @Test
    void aSoilProbeThroughAnAdcWithoutCalibration_isRefusedNamingItsLine() throws IOException {
        Path file = write("mcp.yaml", example("pi-soil-mcp3008.yaml")
                .replace("    calibration: {type: two-point, dry: 790, wet: 395}\n", ""));

        assertThat(execute("validate", file.toString())).isEqualTo(1);
        assertThat(err.toString()).startsWith(file + ":" + lineOf(file, "- id: tray-b")
                + ": sensors[1].calibration: 'calibration' is missing; an ADC reports raw counts");
    }

    private int execute(String... args) {
        CommandLine commandLine = new CommandLine(new ConfigCommand());
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    private static String example(String name) throws IOException {
        return Files.readString(EXAMPLES.resolve(name));
    }

    private Path write(String name, String yaml) throws IOException {
        return Files.writeString(tmp.resolve(name), yaml);
    }

    /** The 1-based line of the only line containing {@code text}. */
    private static int lineOf(Path file, String text) throws IOException {
        List<String> lines = Files.readAllLines(file);
        List<Integer> found = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                found.add(i + 1);
            }
        }
        assertThat(found).as("lines with '%s'", text).hasSize(1);
        return found.get(0);
    }
}
