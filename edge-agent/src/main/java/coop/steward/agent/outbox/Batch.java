package coop.steward.agent.outbox;

import coop.steward.protocol.Reading;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Readings taken since the last flush, each with the monotonic time it was taken at, so that a reading taken
 * before the clock was set can have its time corrected later. Not thread-safe: the sampling thread owns it.
 */
public final class Batch {
    private final List<Reading> readings = new ArrayList<>();
    private long[] monotonicNanos = new long[16];
    private boolean clockSynchronised = true;

    /** @param clockSynchronised whether {@code reading.t()} came from a clock known to be set */
    public void add(Reading reading, long monotonicNanos, boolean clockSynchronised) {
        if (readings.size() == this.monotonicNanos.length) {
            this.monotonicNanos = Arrays.copyOf(this.monotonicNanos, this.monotonicNanos.length * 2);
        }
        this.monotonicNanos[readings.size()] = monotonicNanos;
        readings.add(reading);
        this.clockSynchronised &= clockSynchronised;
    }

    public List<Reading> readings() {
        return readings;
    }

    public long[] monotonicNanos() {
        return Arrays.copyOf(monotonicNanos, readings.size());
    }

    /** False when any reading was taken before the clock was set: the whole message then waits to be corrected. */
    public boolean clockSynchronised() {
        return clockSynchronised;
    }

    public int size() {
        return readings.size();
    }

    public boolean isEmpty() {
        return readings.isEmpty();
    }

    /** Forgets the oldest {@code count} readings; for a disk that has refused them too long. */
    public void dropOldest(int count) {
        int n = Math.min(count, readings.size());
        readings.subList(0, n).clear();
        System.arraycopy(monotonicNanos, n, monotonicNanos, 0, readings.size());
    }

    public void clear() {
        readings.clear();
        clockSynchronised = true;
    }
}
