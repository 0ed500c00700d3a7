package coop.steward.agent.sensor;

import coop.steward.config.Conditioning;
import coop.steward.config.SensorConfig;
import coop.steward.protocol.Kind;
import coop.steward.protocol.Reading;
import java.time.Duration;
import java.util.function.LongSupplier;

/** One configured channel: its source, its conditioning and calibration, and how often it is sampled. */
public final class Sensor {
    private final String id;
    private final String kind;
    private final String unit;
    private final Duration interval;
    private final SensorSource source;
    private final Conditioner conditioner;
    private long lastT = Long.MIN_VALUE;

    public Sensor(SensorConfig config, SensorSource source) {
        this(config, source, System::nanoTime);
    }

    /** @param nanos the monotonic clock that times report-by-exception's heartbeat */
    Sensor(SensorConfig config, SensorSource source, LongSupplier nanos) {
        this(config.id(), config.kind(), config.unit(), config.interval(), source,
                new Conditioner(kindOf(config.kind()), config.unit(), config.calibration(), config.conditioning(),
                        nanos));
    }

    private Sensor(String id, String kind, String unit, Duration interval, SensorSource source,
                   Conditioner conditioner) {
        this.id = id;
        this.kind = kind;
        this.unit = unit;
        this.interval = interval;
        this.source = source;
        this.conditioner = conditioner;
    }

    /** A channel sent as its source reads it, on every sample: an actuator's state. */
    public static Sensor plain(String id, String kind, String unit, Duration interval, SensorSource source) {
        return new Sensor(id, kind, unit, interval, source,
                new Conditioner(kindOf(kind), unit, null, Conditioning.NONE, System::nanoTime));
    }

    public String id() {
        return id;
    }

    public Duration interval() {
        return interval;
    }

    /**
     * Reads the source at {@code t} and conditions the value; throws {@link SensorFault} (a message naming the
     * sensor). Returns null when report-by-exception holds the value back, and for a second sample in the same
     * millisecond (a late scheduler catching up): the store keeps one reading per sensor and time, so it would only
     * be counted twice on the device.
     */
    public Reading sample(long t) {
        if (t == lastT) {
            return null;
        }
        lastT = t;
        Double value;
        try {
            value = conditioner.accept(source.read(t));
        } catch (SensorFault e) {
            throw new SensorFault("sensor " + id + ": " + e.getMessage());
        }
        return value == null ? null : new Reading(id, kind, t, value, unit);
    }

    private static Kind kindOf(String name) {
        return Kind.lookup(name).orElseThrow(() -> new IllegalArgumentException("'" + name + "' is not a kind"));
    }
}
