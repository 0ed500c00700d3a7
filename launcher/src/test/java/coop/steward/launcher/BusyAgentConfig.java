package coop.steward.launcher;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The config of an agent that samples five simulated sensors every 10 to 50 ms, so that a test that kills it
 * catches it in the middle of sampling, flushing, holding and writing.
 */
final class BusyAgentConfig {
    private BusyAgentConfig() {
    }

    static Path write(Path file, String brokerUrl, String device, long flushMs, long holdMs, Path storage)
            throws Exception {
        return Files.writeString(file, """
                site: food-forest
                device: %s
                mqtt: {url: %s}
                publish: {maxBatch: 50, flushSeconds: %s, ackTimeoutSeconds: 2, holdSeconds: %s}
                storage: {dir: '%s'}
                sensors:
                  - {id: soil-a, kind: soil_moisture, intervalSeconds: 0.01, source: {type: simulated}}
                  - {id: soil-b, kind: soil_moisture, intervalSeconds: 0.02, source: {type: simulated}}
                  - {id: flow, kind: flow_rate, intervalSeconds: 0.01, source: {type: simulated}}
                  - {id: valve, kind: valve_state, intervalSeconds: 0.05, source: {type: simulated}}
                  - {id: power, kind: solar_power, intervalSeconds: 0.02, source: {type: simulated}}
                """.formatted(device, brokerUrl, flushMs / 1000.0, holdMs / 1000.0, storage));
    }
}
