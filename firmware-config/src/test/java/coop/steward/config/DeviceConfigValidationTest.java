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

class DeviceConfigValidationTest {
    /** Valid; every case below changes one thing, so the line numbers in the table are easy to check. */
    private static final String BASE = """
            site: food-forest
            device: bed-1
            mqtt:
              url: tcp://localhost:1883
            publish:
              maxBatch: 500
              flushSeconds: 1
              ackTimeoutSeconds: 30
            storage:
              dir: ./data/agent/bed-1
            simulation:
              seed: 1
              latitude: 51.5
              peakPowerW: 400
            sensors:
              - id: soil-a
                kind: soil_moisture
                intervalSeconds: 60
                source:
                  type: simulated
              - id: flow
                kind: flow_rate
                intervalSeconds: 10
                source:
                  type: simulated
            """;
    private static final String LAST_SOURCE = "    source:\n      type: simulated\n";

    @Test
    void baseConfigOfTheTable_isValid() {
        assertThat(DeviceConfigLoader.parse(BASE, "bed-1.yaml").sensors()).hasSize(2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badConfigs")
    void badConfig_isReportedAtItsLineAndField(String rule, String yaml, int line, String field, String message) {
        List<ConfigError> errors = errorsOf(yaml);

        assertThat(errors)
                .as("errors for: %s", rule)
                .anySatisfy(error -> {
                    assertThat(error.file()).isEqualTo("bed-1.yaml");
                    assertThat(error.line()).isEqualTo(line);
                    assertThat(error.field()).isEqualTo(field);
                    assertThat(error.message()).contains(message);
                });
    }

    static Stream<Arguments> badConfigs() {
        return Stream.of(
                // top level
                arguments("a typo'd key", with("device: bed-1", "devise: bed-1"), 2, "devise",
                        "'devise' is not a known key (did you mean 'device'?); the keys at the top level are site, device"),
                arguments("a missing device", with("device: bed-1\n", ""), 1, "device",
                        "'device' is missing; add it at the top level, e.g. device: bed-1"),
                arguments("an invalid site id", with("site: food-forest", "site: Food Forest"), 1, "site",
                        "'Food Forest' is not a valid id; use 1 to 64 characters of a-z, 0-9, '_' and '-', starting "
                                + "with a letter or digit, e.g. 'food-forest'"),
                arguments("a list instead of a config", "- site\n- device\n", 1, "",
                        "the file must be a block of keys"),
                // mqtt
                arguments("a missing mqtt block", with("mqtt:\n  url: tcp://localhost:1883\n", ""), 1, "mqtt",
                        "'mqtt' is missing"),
                arguments("a missing url names the mqtt block", with("  url: tcp://localhost:1883", "  username: x"),
                        3, "mqtt.url", "'url' is missing; add it under mqtt, e.g. url: tcp://localhost:1883"),
                arguments("an empty mqtt block", with("mqtt:\n  url: tcp://localhost:1883", "mqtt:"), 3, "mqtt.url",
                        "'url' is missing"),
                arguments("a url of another scheme", url("mqtt://localhost:1883"), 4, "mqtt.url",
                        "'mqtt://localhost:1883' starts with mqtt://, which Steward does not speak; write it as "
                                + "tcp://host:port"),
                arguments("a url without scheme", url("localhost:1883"), 4, "mqtt.url",
                        "'localhost:1883' is not a broker address"),
                arguments("a url without port", url("tcp://localhost"), 4, "mqtt.url",
                        "'tcp://localhost' has no port; add one, e.g. tcp://localhost:1883"),
                arguments("a url with port 0", url("tcp://localhost:0"), 4, "mqtt.url",
                        "port 0 is out of range; use 1 to 65535"),
                arguments("a url with port 65536", url("ssl://localhost:65536"), 4, "mqtt.url",
                        "port 65536 is out of range; use 1 to 65535 (brokers usually listen on 8883)"),
                arguments("a url with a path", url("tcp://localhost:1883/steward"), 4, "mqtt.url",
                        "must be a host name and a port and nothing else"),
                arguments("a keep-alive below 5 s", mqtt("keepAliveSeconds: 4"), 5, "mqtt.keepAliveSeconds",
                        "4 is out of range; use a whole number from 5 to 3600"),
                arguments("a keep-alive with a fraction", mqtt("keepAliveSeconds: 30.5"), 5, "mqtt.keepAliveSeconds",
                        "must be a whole number, not 30.5"),
                arguments("a passwordEnv that is no variable name", mqtt("passwordEnv: correct horse"), 5,
                        "mqtt.passwordEnv", "must be the NAME of an environment variable"),
                arguments("a password in the file", mqtt("password: secret"), 5, "mqtt.password",
                        "never write the password in the file"),
                arguments("a username that is a block", mqtt("username: {name: x}"), 5, "mqtt.username",
                        "must be a single value, not a block of keys"),
                arguments("an empty username", mqtt("username:"), 5, "mqtt.username",
                        "has no value; give one or remove the key"),
                arguments("a username that would add lines to the broker's files", mqtt("username: \"x\\nuser evil\""), 5,
                        "mqtt.username", "a user name is 1 to 128 characters of letters, digits"),
                arguments("the device id of the alerts' topics", with("device: bed-1", "device: alerts"), 2, "device",
                        "'alerts' cannot be a device id"),
                arguments("TLS files for a plain address", mqtt("tls: {caFile: /etc/steward/ca.crt}"), 5, "mqtt.tls",
                        "TLS settings need a TLS address: write the url as ssl://host:port"),
                arguments("a client certificate without its key", with("  url: tcp://localhost:1883\n",
                        "  url: ssl://localhost:8883\n  tls: {certFile: /etc/steward/bed-1.crt}\n"), 5,
                        "mqtt.tls.keyFile", "a client certificate goes with its key"),
                arguments("an unknown TLS key", with("  url: tcp://localhost:1883\n",
                        "  url: ssl://localhost:8883\n  tls: {cafile: /etc/steward/ca.crt}\n"), 5,
                        "mqtt.tls.cafile", "is not a known key"),
                // publish
                arguments("maxBatch 0", with("maxBatch: 500", "maxBatch: 0"), 6, "publish.maxBatch",
                        "0 is out of range; use a whole number from 1 to 10000"),
                arguments("maxBatch above 10000", with("maxBatch: 500", "maxBatch: 10001"), 6, "publish.maxBatch",
                        "10001 is out of range"),
                arguments("flushSeconds 0", with("flushSeconds: 1", "flushSeconds: 0"), 7, "publish.flushSeconds",
                        "0 is out of range; use a number more than 0 and at most 3600"),
                arguments("flushSeconds above an hour", with("flushSeconds: 1", "flushSeconds: 3600.5"), 7,
                        "publish.flushSeconds", "3600.5 is out of range"),
                arguments("a quoted number", with("flushSeconds: 1", "flushSeconds: \"1\""), 7,
                        "publish.flushSeconds", "must be a number, not the text '1'; remove the quotes"),
                arguments("a word for a number", with("flushSeconds: 1", "flushSeconds: often"), 7,
                        "publish.flushSeconds", "must be a number, not the text 'often'"),
                arguments("ackTimeoutSeconds below 1", with("ackTimeoutSeconds: 30", "ackTimeoutSeconds: 0.5"), 8,
                        "publish.ackTimeoutSeconds", "0.5 is out of range; use a number from 1 to 3600"),
                arguments("holdSeconds past a minute", with("ackTimeoutSeconds: 30", "ackTimeoutSeconds: 30\n  holdSeconds: 61"),
                        9, "publish.holdSeconds", "61 is out of range; use a number from 0 to 60"),
                arguments("a publish value instead of a block",
                        with("publish:\n  maxBatch: 500\n  flushSeconds: 1\n  ackTimeoutSeconds: 30", "publish: fast"),
                        5, "publish", "this must be a block of keys (key: value lines, indented below it), not "
                                + "the text 'fast'"),
                // storage
                arguments("a home-relative dir", with("dir: ./data/agent/bed-1", "dir: ~/steward"), 10, "storage.dir",
                        "'~' is not expanded here; write the full path"),
                arguments("an unknown storage key", with("dir: ./data/agent/bed-1", "path: ./x"), 10, "storage.path",
                        "'path' is not a known key; the keys under storage are dir"),
                arguments("an outbox too small to ride out a short outage",
                        with("dir: ./data/agent/bed-1", "maxOutboxReadings: 10"), 10, "storage.maxOutboxReadings",
                        "10 is out of range; use a whole number from 1000 to 100000000"),
                // simulation
                arguments("a seed with a fraction", with("seed: 1", "seed: 1.5"), 12, "simulation.seed",
                        "must be a whole number, not 1.5"),
                arguments("a seed too large", with("seed: 1", "seed: 99999999999999999999"), 12, "simulation.seed",
                        "is too large; use a whole number of at most 18 digits"),
                arguments("latitude beyond the pole", with("latitude: 51.5", "latitude: 91"), 13,
                        "simulation.latitude", "91 is out of range; use a number from -90 to 90"),
                arguments("an infinite latitude", with("latitude: 51.5", "latitude: .inf"), 13,
                        "simulation.latitude", ".inf is not a finite number"),
                arguments("peakPowerW 0", with("peakPowerW: 400", "peakPowerW: 0"), 14, "simulation.peakPowerW",
                        "0 is out of range; use a number more than 0"),
                arguments("a shade that starts on no day", with("peakPowerW: 400",
                        "peakPowerW: 400\n  shade: {since: 24 October, fromHour: 10.5, toHour: 13.5, light: 0.35}"),
                        15, "simulation.shade.since", "'24 October' is not an instant; write it in UTC as "
                                + "2026-10-24T00:00:00Z"),
                arguments("a shade that lets all the light through", with("peakPowerW: 400", "peakPowerW: 400\n  "
                                + "shade: {since: 2026-10-24T00:00:00Z, fromHour: 10.5, toHour: 13.5, light: 1}"), 15,
                        "simulation.shade.light", "1 is out of range; use a number from 0 to 0.99"),
                arguments("a shade shorter than its shadow's edges", with("peakPowerW: 400", "peakPowerW: 400\n  "
                                + "shade: {since: 2026-10-24T00:00:00Z, fromHour: 12, toHour: 12.5, light: 0.3}"), 15,
                        "simulation.shade.toHour", "the shade must last at least 40 minutes after fromHour (12)"),
                arguments("a leak that ends before it starts", with("peakPowerW: 400", "peakPowerW: 400\n  leak: "
                                + "{from: 2026-11-10T14:20:00Z, to: 2026-11-10T14:00:00Z, litresPerMinute: 2.4}"), 15,
                        "simulation.leak.to", "the leak must end after it starts (2026-11-10T14:20:00Z)"),
                arguments("a leak with no flow", with("peakPowerW: 400", "peakPowerW: 400\n  leak: "
                                + "{from: 2026-11-10T14:20:00Z, to: 2026-11-10T17:05:00Z}"), 15,
                        "simulation.leak.litresPerMinute", "'litresPerMinute' is missing"),
                // sensors
                arguments("no sensors", BASE.substring(0, BASE.indexOf("sensors:")) + "sensors: []\n", 15, "sensors",
                        "has no sensors; add at least one"),
                arguments("sensors with no value", BASE.substring(0, BASE.indexOf("sensors:")) + "sensors:\n", 15,
                        "sensors", "has no sensors"),
                arguments("sensors not a list", BASE.substring(0, BASE.indexOf("sensors:")) + "sensors: soil-a\n", 15,
                        "sensors", "must be a list with one '- id: ...' block per sensor"),
                arguments("sensors missing", BASE.substring(0, BASE.indexOf("sensors:")), 1, "sensors",
                        "'sensors' is missing"),
                arguments("a sensor that is only a name", BASE + "  - rain\n", 26, "sensors[2]",
                        "this must be a block of keys"),
                arguments("an invalid sensor id", with("id: soil-a", "id: Soil_A"), 16, "sensors[0].id",
                        "'Soil_A' is not a valid id"),
                arguments("a missing sensor id names the sensor's line",
                        with("  - id: soil-a\n    kind: soil_moisture", "  - kind: soil_moisture"), 16,
                        "sensors[0].id", "'id' is missing; add it under sensors[0], e.g. id: soil-a"),
                arguments("a duplicate sensor id", with("id: flow", "id: soil-a"), 21, "sensors[1].id",
                        "'soil-a' is already the id of sensors[0] (line 16); give each sensor of a device its own id"),
                arguments("an unknown kind", with("kind: flow_rate", "kind: flowrate"), 22, "sensors[1].kind",
                        "'flowrate' is not a known kind; use one of soil_moisture, soil_temperature"),
                arguments("a kind in capitals", with("kind: flow_rate", "kind: FLOW_RATE"), 22, "sensors[1].kind",
                        "(did you mean 'flow_rate'?)"),
                arguments("a missing kind", with("    kind: flow_rate\n", ""), 21, "sensors[1].kind",
                        "'kind' is missing; add it under sensors[1], e.g. kind: soil_moisture"),
                arguments("a unit that is not the kind's", with("kind: flow_rate", "kind: flow_rate\n    unit: l/min"),
                        23, "sensors[1].unit", "'l/min' is not the unit of flow_rate; write 'L/min' or leave unit out"),
                arguments("intervalSeconds 0", with("intervalSeconds: 10", "intervalSeconds: 0"), 23,
                        "sensors[1].intervalSeconds", "0 is out of range; use a number more than 0 and at most 86400"),
                arguments("intervalSeconds above a day", with("intervalSeconds: 10", "intervalSeconds: 86401"), 23,
                        "sensors[1].intervalSeconds", "86401 is out of range"),
                arguments("a missing interval", with("    intervalSeconds: 10\n", ""), 21,
                        "sensors[1].intervalSeconds", "'intervalSeconds' is missing"),
                arguments("a typo'd sensor key", with("intervalSeconds: 10", "intervalSecs: 10"), 23,
                        "sensors[1].intervalSecs", "(did you mean 'intervalSeconds'?)"),
                // source
                arguments("a missing source", replaceLast(LAST_SOURCE, ""), 21, "sensors[1].source",
                        "'source' is missing; add it under sensors[1], e.g. source: {type: simulated}"),
                arguments("an unsupported source type", replaceLast(LAST_SOURCE, "    source:\n      type: gpio\n"), 25,
                        "sensors[1].source.type", "'gpio' is not a supported source type; use one of ads1115, ds18b20, "
                                + "flow-meter, gpio-input, ina219, ina226, mcp3008, simulated (did you mean 'gpio-input'?)"),
                arguments("an option the simulator does not take", BASE + "      pin: 4\n", 26,
                        "sensors[1].source.pin", "'pin' is not a known key"),
                arguments("a source without type", replaceLast(LAST_SOURCE, "    source:\n      pin: 4\n"), 24,
                        "sensors[1].source.type", "'type' is missing"),
                // calibration
                arguments("an unknown calibration type", BASE + "    calibration: {type: lineal, gain: 2}\n", 26,
                        "sensors[1].calibration.type",
                        "'lineal' is not a calibration type; use linear, two-point or table (did you mean 'linear'?)"),
                arguments("a calibration without type", BASE + "    calibration: {gain: 2}\n", 26,
                        "sensors[1].calibration.type", "'type' is missing"),
                arguments("a linear gain of 0", BASE + "    calibration:\n      type: linear\n      gain: 0\n", 28,
                        "sensors[1].calibration.gain", "must not be 0"),
                arguments("a linear calibration without gain", BASE + "    calibration: {type: linear, offset: 1}\n",
                        26, "sensors[1].calibration.gain", "'gain' is missing"),
                arguments("a two-point key in a linear calibration",
                        BASE + "    calibration: {type: linear, gain: 2, dry: 3}\n", 26, "sensors[1].calibration.dry",
                        "'dry' is not a known key"),
                arguments("two-point on a kind not measured in %",
                        BASE + "    calibration: {type: two-point, dry: 520, wet: 260}\n", 26,
                        "sensors[1].calibration.type", "two-point gives a percentage, so it only fits kinds measured "
                                + "in %, and flow_rate is measured in L/min; use type: linear"),
                arguments("two-point with dry equal to wet",
                        with("kind: flow_rate", "kind: soil_moisture")
                                + "    calibration: {type: two-point, dry: 300, wet: 300}\n", 26,
                        "sensors[1].calibration.wet", "equals dry (300)"),
                arguments("two-point without wet",
                        with("kind: flow_rate", "kind: soil_moisture") + "    calibration: {type: two-point, dry: 3}\n",
                        26, "sensors[1].calibration.wet", "'wet' is missing"),
                // YAML itself
                arguments("a YAML syntax error", with("device: bed-1", "device: bed-1\n  oops: x"), 3, "",
                        "this is not valid YAML"),
                arguments("a tab for indentation", with("  url: tcp", "\turl: tcp"), 4, "", "this is not valid YAML"),
                arguments("a key given twice", BASE + "site: other\n", 26, "site",
                        "'site' is given twice, here and on line 1; keep one of them"),
                arguments("an alias", with("device: bed-1", "device: *bed"), 2, "device",
                        "YAML aliases (*name) are not supported"),
                arguments("a second document", BASE + "---\nsite: other\n", 27, "",
                        "the file holds a second YAML document"),
                arguments("an empty file", "", 0, "", "the file is empty"),
                arguments("a file of comments only", "# site: food-forest\n", 0, "", "the file is empty"));
    }

    @Test
    void unknownKind_isReportedAsFileLineFieldAndTheKindsToUse() {
        List<ConfigError> errors = errorsOf(with("kind: flow_rate", "kind: soil_moist"));

        assertThat(errors).hasSize(1);
        assertThat(errors.get(0)).hasToString("bed-1.yaml:22: sensors[1].kind: 'soil_moist' is not a known kind; "
                + "use one of soil_moisture, soil_temperature, air_temperature, humidity, flow_rate, water_total, "
                + "valve_state, solar_power, solar_voltage, solar_current, energy_total, irradiance, battery_voltage, "
                + "battery_soc or x_<name> (did you mean 'soil_moisture'?)");
    }

    @Test
    void typoedKey_isAnErrorAtItsLine_neverIgnored() {
        List<ConfigError> errors = errorsOf(with("flushSeconds: 1", "flushSecond: 1"));

        assertThat(errors).extracting(ConfigError::toString).containsExactly("bed-1.yaml:7: publish.flushSecond: "
                + "'flushSecond' is not a known key (did you mean 'flushSeconds'?); the keys under publish are "
                + "maxBatch, flushSeconds, ackTimeoutSeconds, holdSeconds");
    }

    @Test
    void missingRequiredKeys_areReportedAtTheLineOfTheirBlock() {
        List<ConfigError> errors = errorsOf("""
                site: food-forest
                mqtt:
                  username: steward
                sensors:
                  - kind: soil_moisture
                    source: {}
                """);

        assertThat(errors).extracting(ConfigError::toString).containsExactly(
                "bed-1.yaml:1: device: 'device' is missing; add it at the top level, e.g. device: bed-1",
                "bed-1.yaml:2: mqtt.url: 'url' is missing; add it under mqtt, e.g. url: tcp://localhost:1883",
                "bed-1.yaml:5: sensors[0].id: 'id' is missing; add it under sensors[0], e.g. id: soil-a",
                "bed-1.yaml:5: sensors[0].intervalSeconds: 'intervalSeconds' is missing; add it under sensors[0], "
                        + "e.g. intervalSeconds: 60",
                "bed-1.yaml:6: sensors[0].source.type: 'type' is missing; add it under sensors[0].source, "
                        + "e.g. type: simulated");
    }

    @Test
    void everyProblem_isReportedInOneGo_inLineOrder() {
        String yaml = with("device: bed-1", "device: Bed 1")
                .replace("url: tcp://localhost:1883", "url: tcp://localhost")
                .replace("flushSeconds: 1", "flushSeconds: 0")
                .replace("id: flow", "id: soil-a")
                .replace("kind: flow_rate", "kind: soil_moist")
                .replace("intervalSeconds: 10", "intervalSecond: 10");

        assertThat(errorsOf(yaml)).extracting(error -> error.line() + " " + error.field()).containsExactly(
                "2 device", "4 mqtt.url", "7 publish.flushSeconds", "21 sensors[1].id", "21 sensors[1].intervalSeconds",
                "22 sensors[1].kind", "23 sensors[1].intervalSecond");
    }

    @Test
    void moreThan64Sensors_areRefused() {
        StringBuilder yaml = new StringBuilder(BASE.substring(0, BASE.indexOf("sensors:")) + "sensors:\n");
        for (int i = 0; i < 65; i++) {
            yaml.append("  - {id: s").append(i).append(", kind: x_count, intervalSeconds: 60, source: {type: simulated}}\n");
        }

        assertThat(errorsOf(yaml.toString())).extracting(ConfigError::toString).containsExactly("bed-1.yaml:15: "
                + "sensors: has 65 sensors, but one device can have at most 64; split them over two device configs");
    }

    @Test
    void credentialsInTheUrl_areRefused_withoutRepeatingThem() {
        List<ConfigError> errors = errorsOf(url("tcp://steward:s3cret@localhost:1883"));

        assertThat(errors).singleElement().satisfies(error -> {
            assertThat(error.field()).isEqualTo("mqtt.url");
            assertThat(error.toString()).doesNotContain("s3cret");
        });
    }

    @Test
    void aPasswordInPasswordEnv_isNotRepeatedInTheError() {
        List<ConfigError> errors = errorsOf(mqtt("passwordEnv: hunter2!"));

        assertThat(errors).singleElement().satisfies(error -> assertThat(error.toString()).doesNotContain("hunter2"));
    }

    @ParameterizedTest
    @MethodSource("goodUrls")
    void brokerAddressesOfTheContract_areAccepted(String url) {
        assertThat(DeviceConfigLoader.parse(url(url), "bed-1.yaml").mqtt().url()).isEqualTo(url);
    }

    static Stream<String> goodUrls() {
        return Stream.of("tcp://localhost:1883", "ssl://broker.example.org:8883", "tcp://192.168.1.10:1",
                "tcp://[::1]:65535", "tcp://mosquitto:1883");
    }

    private static List<ConfigError> errorsOf(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> DeviceConfigLoader.parse(yaml, "bed-1.yaml"));
        assertThat(e).as("a ConfigException for:%n%s", yaml).isNotNull();
        return e.errors();
    }

    /** The base config with one piece of text replaced; the text must occur exactly once. */
    private static String with(String text, String replacement) {
        assertThat(BASE.indexOf(text)).as("'%s' occurs once in BASE", text)
                .isNotNegative().isEqualTo(BASE.lastIndexOf(text));
        return BASE.replace(text, replacement);
    }

    private static String replaceLast(String text, String replacement) {
        int at = BASE.lastIndexOf(text);
        return BASE.substring(0, at) + replacement + BASE.substring(at + text.length());
    }

    private static String url(String url) {
        return with("url: tcp://localhost:1883", "url: " + url);
    }

    /** Adds a line to the mqtt block, at line 5. */
    private static String mqtt(String line) {
        return with("  url: tcp://localhost:1883\n", "  url: tcp://localhost:1883\n  " + line + "\n");
    }
}
