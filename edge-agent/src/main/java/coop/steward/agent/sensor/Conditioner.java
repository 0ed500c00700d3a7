package coop.steward.agent.sensor;

import coop.steward.config.Calibration;
import coop.steward.config.Conditioning;
import coop.steward.protocol.Kind;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * What happens to a raw value on its way to a reading, the same for simulated and real sources: out-of-range raw
 * values are faults; the median of the last {@code medianOf} good raw values removes single spikes; the calibration
 * maps it to the kind's unit, where it must be a value the contract accepts; and with report-by-exception a value
 * is sent only when it moved by more than the deadband from the last one sent, or when the heartbeat is due (timed
 * on the monotonic clock, so setting the wall clock neither silences nor floods a sensor).
 */
final class Conditioner {
    private final Kind kind;
    private final String unit;
    private final Calibration calibration;
    private final Conditioning conditioning;
    private final LongSupplier nanos;
    private final double[] window;
    private int filled;
    private int next;
    private Double lastSent;
    private long lastSentAt;

    Conditioner(Kind kind, String unit, Calibration calibration, Conditioning conditioning, LongSupplier nanos) {
        this.kind = kind;
        this.unit = unit;
        this.calibration = calibration;
        this.conditioning = conditioning;
        this.nanos = nanos;
        this.window = new double[conditioning.medianOf()];
    }

    /** The value to send, or null when report-by-exception holds it back. Throws {@link SensorFault}. */
    Double accept(double raw) {
        if (!Double.isFinite(raw)) {
            throw new SensorFault("gave " + raw + ", which is not a number");
        }
        if (!conditioning.rawInRange(raw)) {
            throw new SensorFault("raw " + format(raw) + " is outside its good range (rawMin " + bound(
                    conditioning.rawMin()) + ", rawMax " + bound(conditioning.rawMax()) + "): not sent; check the "
                    + "sensor and its wiring");
        }
        window[next] = raw;
        next = (next + 1) % window.length;
        filled = Math.min(filled + 1, window.length);
        double filtered = median();
        double value = calibration == null ? filtered : calibration.apply(filtered);
        if (!Double.isFinite(value)) {
            throw new SensorFault("raw " + format(raw) + " calibrates to " + value + ", which is not a number");
        }
        if (!kind.accepts(value)) {
            throw new SensorFault("gives " + format(value) + (unit == null ? "" : " " + unit) + ", outside what "
                    + kind.name() + " can be (" + kind.describeRange() + "); check its calibration");
        }
        return report(value);
    }

    private Double report(double value) {
        if (!conditioning.reportsByException()) {
            return value;
        }
        long now = nanos.getAsLong();
        boolean moved = lastSent == null || Math.abs(value - lastSent) > conditioning.deadband();
        boolean heartbeat = lastSent != null && now - lastSentAt >= conditioning.heartbeat().toNanos();
        if (!moved && !heartbeat) {
            return null;
        }
        lastSent = value;
        lastSentAt = now;
        return value;
    }

    /** Of the values so far while the window fills (a median of 1 or 2 first, then of the full window). */
    private double median() {
        // The window fills from index 0, so until it is full its first `filled` entries are the values so far.
        double[] sorted = Arrays.copyOf(window, filled);
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static String bound(Double value) {
        return value == null ? "none" : format(value);
    }

    private static String format(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value)
                : Double.toString(value);
    }
}
