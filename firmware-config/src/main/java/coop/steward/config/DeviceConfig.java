package coop.steward.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Everything one edge agent needs, validated by {@link DeviceConfigLoader}.
 *
 * @param maxOutboxReadings the outbox keeps at most this many readings; past it the oldest go first
 * @param actuators         relays driven by commands; empty for a device that only measures
 */
public record DeviceConfig(String site, String device, MqttSettings mqtt, PublishSettings publish, Path storageDir,
                           long maxOutboxReadings, SimulationSettings simulation, List<SensorConfig> sensors,
                           List<ActuatorConfig> actuators) {
    /** A week of 8 sensors read every 5 s (8 x 17,280 x 7 = 967,680), rounded up; about 100 MB on disk. */
    public static final long DEFAULT_MAX_OUTBOX_READINGS = 1_000_000;

    public DeviceConfig {
        Objects.requireNonNull(site, "site");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(mqtt, "mqtt");
        Objects.requireNonNull(publish, "publish");
        Objects.requireNonNull(storageDir, "storageDir");
        Objects.requireNonNull(simulation, "simulation");
        sensors = List.copyOf(sensors);
        actuators = List.copyOf(actuators);
    }

    /** A device without actuators. */
    public DeviceConfig(String site, String device, MqttSettings mqtt, PublishSettings publish, Path storageDir,
                        long maxOutboxReadings, SimulationSettings simulation, List<SensorConfig> sensors) {
        this(site, device, mqtt, publish, storageDir, maxOutboxReadings, simulation, sensors, List.of());
    }

    /** True when a sensor or actuator needs the Pi's GPIO, I2C or SPI; only then is Pi4J started. */
    public boolean usesPi4j() {
        return !actuators.isEmpty() || sensors.stream().anyMatch(sensor -> sensor.source().usesPi4j());
    }
}
