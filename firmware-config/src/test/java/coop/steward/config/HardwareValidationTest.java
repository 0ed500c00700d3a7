package coop.steward.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Wiring mistakes are reported at their line and field, before the agent touches a pin. */
class HardwareValidationTest {
    /** Valid; each case below changes one thing. Line numbers: the sensor blocks start at lines 5, 11 and 17. */
    private static final String BASE = """
            site: food-forest
            device: bed-1
            mqtt: {url: tcp://localhost:1883}
            sensors:
              - id: soil-a
                kind: soil_moisture
                intervalSeconds: 60
                source: {type: ads1115, address: 0x48, channel: 0}
                calibration: {type: two-point, dry: 21000, wet: 9000}
                conditioning: {medianOf: 3, deadband: 0.5, heartbeatSeconds: 900}
              - id: flow
                kind: flow_rate
                intervalSeconds: 10
                source: {type: flow-meter, gpio: 17, pulsesPerLitre: 450}
              - id: water
                kind: water_total
                intervalSeconds: 60
                source: {type: flow-meter, meter: flow}
            actuators:
              - id: valve
                gpio: 27
                activeHigh: true
                maxOpenSeconds: 1800
                intervalSeconds: 60
            """;

    @Test
    void baseConfigOfTheTable_isValid() {
        DeviceConfig config = DeviceConfigLoader.parse(BASE, "bed-1.yaml");

        assertThat(config.sensors()).hasSize(3);
        assertThat(config.actuators()).hasSize(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badConfigs")
    void badWiring_isReportedAtItsLineAndField(String rule, String yaml, int line, String field, String message) {
        assertThat(errorsOf(yaml))
                .as("errors for: %s", rule)
                .anySatisfy(error -> {
                    assertThat(error.line()).isEqualTo(line);
                    assertThat(error.field()).isEqualTo(field);
                    assertThat(error.message()).contains(message);
                });
    }

    static Stream<Arguments> badConfigs() {
        return Stream.of(
                // I2C addresses, per chip
                arguments("an ADS1115 at an INA's address", with("address: 0x48", "address: 0x40"), 8,
                        "sensors[0].source.address", "0x40 is not an address this chip can have; the ADS1115's ADDR "
                                + "pin selects 0x48 (to GND), 0x49 (to VDD), 0x4A (to SDA) or 0x4B (to SCL)"),
                arguments("an ADS1115 address in decimal", with("address: 0x48", "address: 80"), 8,
                        "sensors[0].source.address", "0x50 is not an address this chip can have"),
                arguments("an INA219 at an ADS1115's neighbour", sensor("{type: ina219, address: 0x50, shuntOhms: 0.1, "
                        + "maxCurrentA: 2, quantity: power}", "solar_power"), 22, "sensors[3].source.address",
                        "0x50 is not an address this chip can have; the INA219's A0 and A1 pins select 0x40 to 0x4F"),
                arguments("an INA226 with no address", sensor("{type: ina226, shuntOhms: 0.01, maxCurrentA: 8, "
                        + "quantity: voltage}", "battery_voltage"), 22, "sensors[3].source.address",
                        "'address' is missing"),
                arguments("two chips at one address", sensor("{type: ina219, address: 0x48, shuntOhms: 0.1, "
                        + "maxCurrentA: 2, quantity: power}", "solar_power"), 22, "sensors[3].source.address",
                        "0x48 on I2C bus 1 is already the ADS1115 of sensors[0] (line 8)"),
                arguments("two chips at one address, named at the first too", sensor("{type: ina219, address: 0x48, "
                        + "shuntOhms: 0.1, maxCurrentA: 2, quantity: power}", "solar_power"), 8,
                        "sensors[0].source.address", "is also given to the INA219 of sensors[3] (line 22)"),
                // GPIO pins
                arguments("a pin used by a sensor and an actuator", with("gpio: 27", "gpio: 17"), 21, "actuators[0].gpio",
                        "GPIO 17 is already used by the flow meter of sensors[1] (line 14)"),
                arguments("a pin used twice, named at the first use too", with("gpio: 27", "gpio: 17"), 14,
                        "sensors[1].source.gpio", "GPIO 17 is used again by actuators[0] (line 21)"),
                arguments("a pin used by two sensors", sensor("{type: gpio-input, gpio: 17, pull: up}", "x_door"), 22,
                        "sensors[3].source.gpio", "GPIO 17 is already used by"),
                arguments("a pin of the I2C bus", sensor("{type: gpio-input, gpio: 2, pull: up}", "x_door"), 22,
                        "sensors[3].source.gpio", "GPIO 2 is I2C bus 1 (SDA), used by sensors[0] (line 8)"),
                arguments("a pin beyond the header", with("gpio: 27", "gpio: 28"), 21, "actuators[0].gpio",
                        "28 is out of range; use a whole number from 0 to 27"),
                arguments("a pin with a leading zero", with("gpio: 27", "gpio: 027"), 21, "actuators[0].gpio",
                        "027 starts with 0, which YAML reads as an octal number (23)"),
                // calibration
                arguments("an ADC soil probe without calibration",
                        with("    calibration: {type: two-point, dry: 21000, wet: 9000}\n", ""), 5,
                        "sensors[0].calibration", "'calibration' is missing; an ADC reports raw counts, and "
                                + "soil_moisture is measured in %"),
                arguments("an ADC in volts for a kind in %",
                        with("    calibration: {type: two-point, dry: 21000, wet: 9000}\n", "")
                                .replace("channel: 0}", "channel: 0, output: volts}"), 5, "sensors[0].calibration",
                        "this ADS1115 reports volts, and soil_moisture is measured in %"),
                arguments("a table with one point", with("{type: two-point, dry: 21000, wet: 9000}",
                        "{type: table, points: [[21000, 0]]}"), 9, "sensors[0].calibration.points",
                        "has 1 points; a table needs 2 to 64 [raw, value] pairs"),
                arguments("a table that turns back", with("{type: two-point, dry: 21000, wet: 9000}",
                        "\n      type: table\n      points:\n        - [21000, 0]\n        - [15000, 40]\n"
                                + "        - [16000, 100]"), 14, "sensors[0].calibration.points[2]",
                        "raw 16000 does not continue the fall of the raw values before it (15000)"),
                arguments("a table with a repeated raw value", with("{type: two-point, dry: 21000, wet: 9000}",
                        "{type: table, points: [[1, 0], [1, 5]]}"), 9, "sensors[0].calibration.points[1]",
                        "raw 1 does not continue"),
                arguments("a table point that is not a pair", with("{type: two-point, dry: 21000, wet: 9000}",
                        "{type: table, points: [[1, 0], [2]]}"), 9, "sensors[0].calibration.points[1]",
                        "must be a [raw, value] pair of two numbers"),
                // conditioning
                arguments("an even median", with("medianOf: 3", "medianOf: 4"), 10, "sensors[0].conditioning.medianOf",
                        "4 is even; use an odd number"),
                arguments("a median over 15", with("medianOf: 3", "medianOf: 17"), 10,
                        "sensors[0].conditioning.medianOf", "17 is out of range; use a whole number from 1 to 15"),
                arguments("a median of a total", BASE.replace("source: {type: flow-meter, meter: flow}",
                        "source: {type: flow-meter, meter: flow}\n    conditioning: {medianOf: 3}"), 19,
                        "sensors[2].conditioning.medianOf", "a median of a growing total lags behind it"),
                arguments("a negative deadband", with("deadband: 0.5", "deadband: -0.5"), 10,
                        "sensors[0].conditioning.deadband", "-0.5 is out of range; use a number from 0"),
                arguments("a heartbeat shorter than the interval", with("heartbeatSeconds: 900", "heartbeatSeconds: 30"),
                        10, "sensors[0].conditioning.heartbeatSeconds", "30 is shorter than the sensor's "
                                + "intervalSeconds (60)"),
                arguments("a deadband without heartbeat", with(", heartbeatSeconds: 900", ""), 10,
                        "sensors[0].conditioning.heartbeatSeconds", "'heartbeatSeconds' is missing; with a deadband"),
                arguments("a heartbeat without deadband", with("deadband: 0.5, ", ""), 10,
                        "sensors[0].conditioning.heartbeatSeconds", "only applies with a deadband"),
                arguments("rawMax not above rawMin", with("medianOf: 3", "medianOf: 3, rawMin: 500, rawMax: 500"), 10,
                        "sensors[0].conditioning.rawMax", "500 is not above rawMin (500)"),
                // sources
                arguments("an ADS1115 gain it does not have", with("channel: 0}", "channel: 0, fullScaleVolts: 3.3}"), 8,
                        "sensors[0].source.fullScaleVolts", "3.3 is not a gain the ADS1115 has"),
                arguments("an ADS1115 channel 4", with("channel: 0}", "channel: 4}"), 8, "sensors[0].source.channel",
                        "4 is out of range; use a whole number from 0 to 3"),
                arguments("a meter reference to no meter", with("meter: flow", "meter: flwo"), 18,
                        "sensors[2].source.meter", "'flwo' is not a sensor with a flow meter wired to it"),
                arguments("a meter with a pin and a reference", with("meter: flow", "meter: flow, gpio: 5"), 18,
                        "sensors[2].source.meter", "give either gpio and pulsesPerLitre"),
                arguments("a flow meter for soil moisture", with("kind: flow_rate", "kind: soil_moisture"), 14,
                        "sensors[1].source.type", "a flow meter gives flow_rate (L/min) or water_total (L)"),
                arguments("a shunt drop beyond the INA219's range", sensor("{type: ina219, address: 0x41, "
                        + "shuntOhms: 0.1, maxCurrentA: 5, quantity: current}", "solar_current"), 22,
                        "sensors[3].source.maxCurrentA", "at 5 A the 0.1 ohm shunt drops 0.5 V, beyond the INA219's "
                                + "shunt range of 0.32 V"),
                arguments("a shunt drop beyond the INA226's range", sensor("{type: ina226, address: 0x41, "
                        + "shuntOhms: 0.1, maxCurrentA: 1, quantity: current}", "solar_current"), 22,
                        "sensors[3].source.maxCurrentA", "beyond the INA226's shunt range of 0.08192 V"),
                arguments("a quantity that is not the kind's", sensor("{type: ina219, address: 0x41, shuntOhms: 0.1, "
                        + "maxCurrentA: 2, quantity: current}", "solar_power"), 22, "sensors[3].source.quantity",
                        "current is measured in A, but solar_power is measured in W"),
                arguments("a DS18B20 id of another family", sensor("{type: ds18b20, device: 10-000802b4f1a2}",
                        "soil_temperature"), 22, "sensors[3].source.device", "'10-000802b4f1a2' is not a DS18B20 id"),
                arguments("a DS18B20 with device and path", sensor("{type: ds18b20, device: 28-000005e2fdc3, "
                        + "path: /tmp/x}", "soil_temperature"), 22, "sensors[3].source.path", "give either device"),
                arguments("a GPIO input without pull", sensor("{type: gpio-input, gpio: 5}", "x_door"), 22,
                        "sensors[3].source.pull", "'pull' is missing"),
                // actuators
                arguments("an actuator without maxOpenSeconds", with("    maxOpenSeconds: 1800\n", ""), 20,
                        "actuators[0].maxOpenSeconds", "'maxOpenSeconds' is missing"),
                arguments("an actuator without activeHigh", with("    activeHigh: true\n", ""), 20,
                        "actuators[0].activeHigh", "'activeHigh' is missing"),
                arguments("an actuator of another kind", with("  - id: valve\n", "  - id: valve\n    kind: flow_rate\n"),
                        21, "actuators[0].kind", "'flow_rate' is not a kind an actuator reports"),
                arguments("an actuator with a sensor's id", with("  - id: valve\n", "  - id: flow\n"), 20,
                        "actuators[0].id", "'flow' is already the id of sensors[1] (line 11)"),
                arguments("activeHigh that is not yes or no", with("activeHigh: true", "activeHigh: high"), 22,
                        "actuators[0].activeHigh", "must be true or false"),
                // the duty cycle
                arguments("a negative rest", withActuatorKey("minClosedSeconds: -1"), 25,
                        "actuators[0].minClosedSeconds", "-1 is out of range; use a number from 0 to 86400"),
                arguments("a rest longer than a day", withActuatorKey("minClosedSeconds: 90000"), 25,
                        "actuators[0].minClosedSeconds", "from 0 to 86400"),
                arguments("no open time a day", withActuatorKey("maxOpenSecondsPerDay: 0"), 25,
                        "actuators[0].maxOpenSecondsPerDay", "more than 0 and at most 86400"),
                arguments("more than a day's open time", withActuatorKey("maxOpenSecondsPerDay: 86401"), 25,
                        "actuators[0].maxOpenSecondsPerDay", "more than 0 and at most 86400"),
                arguments("a day's open time below one opening's", withActuatorKey("maxOpenSecondsPerDay: 600"), 25,
                        "actuators[0].maxOpenSecondsPerDay", "maxOpenSeconds (1800) is more than "
                                + "maxOpenSecondsPerDay (600), so no opening could run to maxOpenSeconds"),
                arguments("one opening longer than the default day's", with("maxOpenSeconds: 1800",
                        "maxOpenSeconds: 20000"), 23, "actuators[0].maxOpenSeconds", "is more than "
                                + "maxOpenSecondsPerDay (14400, its default)"));
    }

    /** A pushed config must not make the agent read, and report in its status, any file but a probe's own. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/etc/steward/agent.env", "/proc/self/environ", "/dev/zero", "/tmp/w1_slave",
            "/sys/bus/w1/devices/28-000005e2fdc3/../../../../../etc/shadow",
            "/sys/bus/w1/devices/28-000005e2fdc3/w1_slave/../../../../../../proc/self/environ",
            "/sys/bus/w1/devices/w1_bus_master1/w1_master_slaves", "/sys/bus/w1/devices/10-000802b4f1a2/w1_slave",
            "/sys/bus/w1/devices/28-000005e2fdc3/name", "/sys/bus/w1/devices/28-000005E2FDC3/w1_slave",
            "//sys/bus/w1/devices/28-000005e2fdc3/w1_slave", "/sys/bus/w1/devices/28-000005e2fdc3/w1_slave\n",
            "sys/bus/w1/devices/28-000005e2fdc3/w1_slave"})
    void aDs18b20PathOutsideTheProbesOwnFiles_isRefused_sayingWhichFilesAreAllowed(String path) {
        String yaml = sensor("{type: ds18b20, path: \"" + path + "\"}", "soil_temperature");

        assertThat(errorsOf(yaml)).singleElement().satisfies(error -> {
            assertThat(error.field()).isEqualTo("sensors[3].source.path");
            assertThat(error.message()).contains("is not a DS18B20's file; the agent reads only "
                    + "/sys/bus/w1/devices/28-<12 hex digits>/w1_slave or .../temperature");
        });
    }

    @Test
    void everyWiringMistake_isReportedInOneGo() {
        String yaml = with("    calibration: {type: two-point, dry: 21000, wet: 9000}\n", "")
                .replace("gpio: 27", "gpio: 17")
                .replace("meter: flow", "meter: flwo");

        assertThat(errorsOf(yaml)).extracting(error -> error.line() + " " + error.field()).containsExactly(
                "5 sensors[0].calibration", "13 sensors[1].source.gpio", "17 sensors[2].source.meter",
                "20 actuators[0].gpio");
    }

    private static List<ConfigError> errorsOf(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> DeviceConfigLoader.parse(yaml, "bed-1.yaml"));
        assertThat(e).as("a ConfigException for:%n%s", yaml).isNotNull();
        return e.errors();
    }

    private static String with(String text, String replacement) {
        assertThat(BASE.indexOf(text)).as("'%s' occurs once in BASE", text)
                .isNotNegative().isEqualTo(BASE.lastIndexOf(text));
        return BASE.replace(text, replacement);
    }

    /** BASE with one more key for the valve, on line 25. */
    private static String withActuatorKey(String line) {
        return BASE + "    " + line + "\n";
    }

    /** BASE with a fourth sensor; its source is on line 22. */
    private static String sensor(String source, String kind) {
        return BASE.replace("actuators:\n", "  - id: extra\n    kind: " + kind + "\n    intervalSeconds: 60\n"
                + "    source: " + source + "\nactuators:\n");
    }
}
