package coop.steward.collector.store;

import java.util.Arrays;

/** Collects the points of an answer up to a limit, and remembers whether there were more. */
final class PointList {
    private final int limit;
    private long[] t = new long[16];
    private double[] value = new double[16];
    private int size;
    private boolean truncated;

    PointList(int limit) {
        this.limit = limit;
    }

    /** Adds a point; false once the limit is passed (the point is then dropped and the answer truncated). */
    boolean add(long time, double v) {
        if (size == limit) {
            truncated = true;
            return false;
        }
        if (size == t.length) {
            t = Arrays.copyOf(t, size * 2);
            value = Arrays.copyOf(value, size * 2);
        }
        t[size] = time;
        value[size] = v;
        size++;
        return true;
    }

    SeriesData toSeries(SeriesKey key, String kind, String unit) {
        return new SeriesData(key, kind, unit, Arrays.copyOf(t, size), Arrays.copyOf(value, size), truncated);
    }
}
