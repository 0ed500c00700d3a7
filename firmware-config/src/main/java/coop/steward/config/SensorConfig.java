package coop.steward.config;

import java.time.Duration;
import java.util.Objects;

/**
 * One measured channel of the device.
 *
 * @param unit         the kind's unit; for a user kind ({@code x_<name>}) the unit the file gives, or null
 * @param calibration  null when the source's value is reported as it is
 * @param conditioning spike filter, report-by-exception and the raw range; {@link Conditioning#NONE} when the
 *                     file has no {@code conditioning} block
 */
public record SensorConfig(String id, String kind, String unit, Duration interval, SourceConfig source,
                           Calibration calibration, Conditioning conditioning) {
    public SensorConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(conditioning, "conditioning");
    }

    /** A sensor whose every sample is sent as it is. */
    public SensorConfig(String id, String kind, String unit, Duration interval, SourceConfig source,
                        Calibration calibration) {
        this(id, kind, unit, interval, source, calibration, Conditioning.NONE);
    }
}
