package coop.steward.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/** Everything one edge agent needs, validated by {@link DeviceConfigLoader}. */
public record DeviceConfig(String site, String device, MqttSettings mqtt, PublishSettings publish, Path storageDir,
                           SimulationSettings simulation, List<SensorConfig> sensors) {
    public DeviceConfig {
        Objects.requireNonNull(site, "site");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(mqtt, "mqtt");
        Objects.requireNonNull(publish, "publish");
        Objects.requireNonNull(storageDir, "storageDir");
        Objects.requireNonNull(simulation, "simulation");
        sensors = List.copyOf(sensors);
    }
}
