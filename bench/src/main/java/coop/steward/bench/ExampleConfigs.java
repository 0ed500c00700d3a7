package coop.steward.bench;

import coop.steward.config.ActuatorConfig;
import coop.steward.config.Conditioning;
import coop.steward.config.DeviceConfig;
import coop.steward.config.DeviceConfigLoader;
import coop.steward.config.SensorConfig;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * The device configs of {@code firmware-config/examples}, made to run on a machine without their hardware: every
 * source becomes a simulated one of the same kind, unit and interval, with the same spike filter and report by
 * exception (deadband and heartbeat), so that the agent sends as many readings as it would; calibrations and raw
 * ranges go, because the simulator gives calibrated values, not raw counts; a valve's relay becomes a simulated
 * sensor of its state, reported as often. The publish settings and simulation of the example are kept; the broker
 * and storage folder are the harness's.
 */
final class ExampleConfigs {
    static final Path FOLDER = Path.of("firmware-config/examples");

    private ExampleConfigs() {
    }

    static List<Path> all() throws IOException {
        try (Stream<Path> files = Files.list(FOLDER)) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    /** The example as YAML that runs here, as {@code device} (so that two runs of one example can share a broker). */
    static String simulated(Path example, String device, String brokerUrl, Path storage, Duration hold) {
        DeviceConfig config = DeviceConfigLoader.load(example);
        StringBuilder yaml = new StringBuilder()
                .append("site: ").append(config.site()).append('\n')
                .append("device: ").append(device).append('\n')
                .append("mqtt: {url: '").append(brokerUrl).append("'}\n")
                .append("publish: {maxBatch: ").append(config.publish().maxBatch())
                .append(", flushSeconds: ").append(seconds(config.publish().flush()))
                .append(", ackTimeoutSeconds: ").append(seconds(config.publish().ackTimeout()))
                .append(", holdSeconds: ").append(seconds(hold)).append("}\n")
                .append("storage: {dir: '").append(storage).append("'}\n")
                .append("simulation: {seed: ").append(config.simulation().seed())
                .append(", latitude: ").append(config.simulation().latitude())
                .append(", peakPowerW: ").append(config.simulation().peakPowerW()).append("}\n")
                .append("sensors:\n");
        for (SensorConfig sensor : config.sensors()) {
            yaml.append("  - {id: ").append(sensor.id()).append(", kind: ").append(sensor.kind());
            if (sensor.unit() != null) {
                yaml.append(", unit: '").append(sensor.unit()).append('\'');
            }
            yaml.append(", intervalSeconds: ").append(seconds(sensor.interval()))
                    .append(", source: {type: simulated}").append(conditioning(sensor.conditioning())).append("}\n");
        }
        for (ActuatorConfig actuator : config.actuators()) {
            yaml.append("  - {id: ").append(actuator.id()).append(", kind: ").append(actuator.kind())
                    .append(", intervalSeconds: ").append(seconds(actuator.interval()))
                    .append(", source: {type: simulated}}\n");
        }
        return yaml.toString();
    }

    private static String conditioning(Conditioning c) {
        StringBuilder yaml = new StringBuilder();
        if (c.medianOf() > 1) {
            yaml.append("medianOf: ").append(c.medianOf());
        }
        if (c.reportsByException()) {
            yaml.append(yaml.isEmpty() ? "" : ", ").append("deadband: ").append(c.deadband())
                    .append(", heartbeatSeconds: ").append(seconds(c.heartbeat()));
        }
        return yaml.isEmpty() ? "" : ", conditioning: {" + yaml + "}";
    }

    private static String seconds(Duration duration) {
        return BigDecimal.valueOf(duration.toNanos(), 9).stripTrailingZeros().toPlainString();
    }
}
