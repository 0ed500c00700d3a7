package coop.steward.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeviceConfigLoaderTest {

    @Test
    void tlsFiles_areReadAsAbsolutePaths_forATlsAddress() {
        DeviceConfig config = DeviceConfigLoader.parse("""
                site: food-forest
                device: bed-1
                mqtt:
                  url: ssl://hub.example.org:8883
                  tls: {caFile: /etc/steward/ca.crt, certFile: /etc/steward/bed-1.crt, keyFile: /etc/steward/bed-1.key}
                sensors:
                  - {id: soil-a, kind: soil_moisture, intervalSeconds: 60, source: {type: simulated}}
                """, "bed-1.yaml");

        assertThat(config.mqtt().tls()).isEqualTo(new TlsFiles(Path.of("/etc/steward/ca.crt"),
                Path.of("/etc/steward/bed-1.crt"), Path.of("/etc/steward/bed-1.key")));
        assertThat(config.mqtt().usesTls()).isTrue();
    }

    @Test
    void fullConfig_isReadIntoRecords() {
        DeviceConfig config = DeviceConfigLoader.parse("""
                site: food-forest
                device: bed-1
                mqtt:
                  url: ssl://broker.example.org:8883
                  username: steward
                  passwordEnv: STEWARD_MQTT_PASSWORD
                  keepAliveSeconds: 60
                publish:
                  maxBatch: 100
                  flushSeconds: 0.2
                  ackTimeoutSeconds: 45
                  holdSeconds: 2.5
                storage:
                  dir: /var/lib/steward/bed-1
                  maxOutboxReadings: 50000
                simulation:
                  seed: 42
                  latitude: -33.9
                  peakPowerW: 1200.5
                sensors:
                  - id: soil-a
                    kind: soil_moisture
                    unit: "%"
                    intervalSeconds: 0.05
                    source:
                      type: simulated
                    calibration:
                      type: two-point
                      dry: 520
                      wet: 260
                  - id: battery-v
                    kind: battery_voltage
                    intervalSeconds: 30
                    source: {type: simulated}
                    calibration: {type: linear, gain: 11, offset: -0.5}
                """, "bed-1.yaml");

        assertThat(config.site()).isEqualTo("food-forest");
        assertThat(config.device()).isEqualTo("bed-1");
        assertThat(config.mqtt()).isEqualTo(
                new MqttSettings("ssl://broker.example.org:8883", "steward", "STEWARD_MQTT_PASSWORD", 60));
        assertThat(config.publish()).isEqualTo(
                new PublishSettings(100, Duration.ofMillis(200), Duration.ofSeconds(45), Duration.ofMillis(2_500)));
        assertThat(config.storageDir()).isEqualTo(Path.of("/var/lib/steward/bed-1"));
        assertThat(config.maxOutboxReadings()).isEqualTo(50_000);
        assertThat(config.simulation()).isEqualTo(new SimulationSettings(42, -33.9, 1200.5));
        assertThat(config.sensors()).containsExactly(
                new SensorConfig("soil-a", "soil_moisture", "%", Duration.ofMillis(50),
                        new SourceConfig("simulated", Map.of()), new Calibration.TwoPoint(520, 260)),
                new SensorConfig("battery-v", "battery_voltage", "V", Duration.ofSeconds(30),
                        new SourceConfig("simulated", Map.of()), new Calibration.Linear(11, -0.5)));
    }

    @Test
    void simulatedMishaps_areReadWithTheirInstantsInUtc() {
        DeviceConfig config = DeviceConfigLoader.parse(minimal("""
                simulation:
                  seed: 7
                  shade: {since: 2026-10-24T00:00:00Z, fromHour: 10.5, toHour: 13.5, light: 0.35}
                  leak:
                    from: 2026-11-10T14:20:00Z
                    to: '2026-11-10T17:05:00Z'
                    litresPerMinute: 2.4
                """), "bed-1.yaml");

        assertThat(config.simulation()).isEqualTo(new SimulationSettings(7, 45, 400,
                new SimulationSettings.Shade(Instant.parse("2026-10-24T00:00:00Z"), 10.5, 13.5, 0.35),
                new SimulationSettings.Leak(Instant.parse("2026-11-10T14:20:00Z"), Instant.parse("2026-11-10T17:05:00Z"),
                        2.4)));
        assertThat(DeviceConfigLoader.parse(minimal(""), "a.yaml").simulation().shade()).isNull();
    }

    @Test
    void leftOutSettings_takeTheDocumentedDefaults() {
        DeviceConfig config = DeviceConfigLoader.parse("""
                site: food-forest
                device: bed-1
                mqtt: {url: tcp://localhost:1883}
                sensors:
                  - {id: flow, kind: flow_rate, intervalSeconds: 10, source: {type: simulated}}
                """, "bed-1.yaml");

        assertThat(config.mqtt()).isEqualTo(new MqttSettings("tcp://localhost:1883", null, null, 30));
        assertThat(config.publish()).isEqualTo(new PublishSettings(500, Duration.ofSeconds(1), Duration.ofSeconds(30),
                Duration.ofSeconds(5)));
        assertThat(config.maxOutboxReadings()).isEqualTo(1_000_000);
        assertThat(config.simulation().latitude()).isEqualTo(45);
        assertThat(config.simulation().peakPowerW()).isEqualTo(400);
        assertThat(config.sensors().get(0).unit()).isEqualTo("L/min");
        assertThat(config.sensors().get(0).calibration()).isNull();
    }

    @Test
    void defaultStorageDir_isUnderTheCurrentFolder_notTheConfigFiles() {
        DeviceConfig config = DeviceConfigLoader.parse(minimal(""), "/etc/steward/bed-1.yaml");

        assertThat(config.storageDir())
                .isEqualTo(Path.of("").toAbsolutePath().resolve(Path.of("data", "agent", "food-forest", "bed-1")));
    }

    @Test
    void relativeStorageDir_isResolvedAgainstTheCurrentFolder() {
        DeviceConfig config = DeviceConfigLoader.parse(minimal("storage: {dir: ./state/bed-1}\n"), "x/bed-1.yaml");

        assertThat(config.storageDir()).isEqualTo(Path.of("").toAbsolutePath().resolve("state/bed-1"));
    }

    @Test
    void defaultSeed_dependsOnSiteAndDevice_andIsTheSameOnEveryLoad() {
        long bed1 = DeviceConfigLoader.parse(minimal(""), "a.yaml").simulation().seed();
        long bed2 = DeviceConfigLoader.parse(minimal("").replace("bed-1", "bed-2"), "b.yaml").simulation().seed();

        assertThat(DeviceConfigLoader.parse(minimal(""), "a.yaml").simulation().seed()).isEqualTo(bed1);
        assertThat(bed2).isNotEqualTo(bed1);
    }

    @Test
    void emptyOptionalBlock_meansAllItsDefaults() {
        DeviceConfig config = DeviceConfigLoader.parse(minimal("publish:\n  # maxBatch: 10\nsimulation:\n"), "a.yaml");

        assertThat(config.publish()).isEqualTo(PublishSettings.DEFAULTS);
    }

    @Test
    void userKind_takesTheUnitTheFileGives_orNone() {
        DeviceConfig config = DeviceConfigLoader.parse("""
                site: food-forest
                device: bed-1
                mqtt: {url: tcp://localhost:1883}
                sensors:
                  - {id: leaf-wet, kind: x_leaf_wetness, unit: min, intervalSeconds: 60, source: {type: simulated}}
                  - {id: bees, kind: x_bee_count, intervalSeconds: 60, source: {type: simulated}}
                """, "a.yaml");

        assertThat(config.sensors()).extracting(SensorConfig::unit).containsExactly("min", null);
    }

    @Test
    void twoPointCalibration_isAllowedOnAUserKindMeasuredInPercent() {
        DeviceConfig config = DeviceConfigLoader.parse("""
                site: food-forest
                device: bed-1
                mqtt: {url: tcp://localhost:1883}
                sensors:
                  - id: leaf-wet
                    kind: x_leaf_wetness
                    unit: "%"
                    intervalSeconds: 60
                    source: {type: simulated}
                    calibration: {type: two-point, dry: 800, wet: 300}
                """, "a.yaml");

        assertThat(config.sensors().get(0).calibration()).isEqualTo(new Calibration.TwoPoint(800, 300));
    }

    @Test
    void idsThatLookLikeOtherYamlValues_stayAsWritten() {
        DeviceConfig config = DeviceConfigLoader.parse(minimal("").replace("device: bed-1", "device: 007"), "a.yaml");

        assertThat(config.device()).isEqualTo("007");
    }

    @Test
    void byteOrderMarkFromWindowsEditors_isIgnored() {
        assertThat(DeviceConfigLoader.parse("\uFEFF" + minimal(""), "a.yaml").site()).isEqualTo("food-forest");
    }

    static String minimal(String extra) {
        return """
                site: food-forest
                device: bed-1
                mqtt: {url: tcp://localhost:1883}
                sensors:
                  - {id: soil-a, kind: soil_moisture, intervalSeconds: 60, source: {type: simulated}}
                """ + extra;
    }
}
