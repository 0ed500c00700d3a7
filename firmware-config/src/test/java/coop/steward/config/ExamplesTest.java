package coop.steward.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import coop.steward.protocol.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ExamplesTest {
    /** Maven runs tests in the module's folder. */
    private static final Path EXAMPLES = Path.of("examples");

    static Stream<Path> examples() throws IOException {
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            return files.filter(file -> file.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void everyShippedExample_isValid(Path file) {
        assertThatCode(() -> DeviceConfigLoader.load(file)).doesNotThrowAnyException();
    }

    @Test
    void examples_coverABedNodeAndASolarArray() {
        DeviceConfig bed = DeviceConfigLoader.load(EXAMPLES.resolve("food-forest-bed.yaml"));
        DeviceConfig solar = DeviceConfigLoader.load(EXAMPLES.resolve("solar-array.yaml"));

        assertThat(bed.sensors()).extracting(SensorConfig::kind).containsExactly("soil_moisture", "soil_moisture",
                "soil_temperature", "flow_rate", "water_total", "valve_state");
        assertThat(solar.sensors()).extracting(SensorConfig::kind).containsExactlyInAnyOrder("solar_power",
                "solar_voltage", "solar_current", "irradiance", "energy_total", "battery_voltage", "battery_soc",
                "air_temperature");
        assertThat(List.of(bed, solar)).allSatisfy(config -> {
            assertThat(config.mqtt().url()).isEqualTo("tcp://localhost:1883");
            assertThat(config.sensors()).allSatisfy(sensor -> {
                assertThat(sensor.source().type()).isEqualTo("simulated");
                assertThat(sensor.unit()).isEqualTo(Kind.lookup(sensor.kind()).orElseThrow().unit());
            });
        });
    }
}
