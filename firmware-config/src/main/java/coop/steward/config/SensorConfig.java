package coop.steward.config;

import java.time.Duration;
import java.util.Objects;

/**
 * One measured channel of the device.
 *
 * @param unit        the kind's unit; for a user kind ({@code x_<name>}) the unit the file gives, or null
 * @param calibration null when the source's value is reported as it is
 */
public record SensorConfig(String id, String kind, String unit, Duration interval, SourceConfig source,
                           Calibration calibration) {
    public SensorConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(source, "source");
    }
}
