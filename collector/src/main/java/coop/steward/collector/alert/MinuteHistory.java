package coop.steward.collector.alert;

/**
 * The last two days of one series at one-minute resolution (the latest value of each minute), so that readings of
 * different devices can be matched by data time whatever order they arrived in.
 */
final class MinuteHistory {
    private static final int SLOTS = 2 * 24 * 60;
    private static final long MINUTE_MS = 60_000;

    private final long[] minutes = new long[SLOTS];
    private final float[] values = new float[SLOTS];

    MinuteHistory() {
        java.util.Arrays.fill(minutes, Long.MIN_VALUE);
    }

    void put(long t, double value) {
        long minute = Math.floorDiv(t, MINUTE_MS);
        int slot = Math.floorMod(minute, SLOTS);
        minutes[slot] = minute;
        values[slot] = (float) value;
    }

    /** The value of the latest minute at or before {@code t} and at most {@code skewMs} earlier; NaN when none. */
    double at(long t, long skewMs) {
        long minute = Math.floorDiv(t, MINUTE_MS);
        long earliest = Math.floorDiv(t - skewMs, MINUTE_MS);
        for (long m = minute; m >= earliest && minute - m < SLOTS; m--) {
            int slot = Math.floorMod(m, SLOTS);
            if (minutes[slot] == m) {
                return values[slot];
            }
        }
        return Double.NaN;
    }
}
