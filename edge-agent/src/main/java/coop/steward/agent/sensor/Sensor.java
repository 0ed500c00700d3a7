package coop.steward.agent.sensor;

import coop.steward.config.Calibration;
import coop.steward.config.SensorConfig;
import coop.steward.protocol.Reading;
import java.time.Duration;

/** One configured channel: its source, its calibration and how often it is sampled. */
public final class Sensor {
    private final SensorConfig config;
    private final SensorSource source;
    private long lastT = Long.MIN_VALUE;

    public Sensor(SensorConfig config, SensorSource source) {
        this.config = config;
        this.source = source;
    }

    public String id() {
        return config.id();
    }

    public Duration interval() {
        return config.interval();
    }

    /**
     * Reads the source at {@code t} and applies the calibration; throws {@link SensorFault}. Returns null for a
     * second sample in the same millisecond (a late scheduler catching up): the store keeps one reading per
     * sensor and time, so it would only be counted twice on the device.
     */
    public Reading sample(long t) {
        if (t == lastT) {
            return null;
        }
        lastT = t;
        double raw = source.read(t);
        Calibration calibration = config.calibration();
        double value = calibration == null ? raw : calibration.apply(raw);
        if (!Double.isFinite(value)) {
            throw new SensorFault("sensor " + config.id() + " gave " + raw + ", which is not a number");
        }
        return new Reading(config.id(), config.kind(), t, value, config.unit());
    }
}
