package coop.steward.collector.store;

import java.util.Arrays;

/** Collects the points of an answer up to a limit, and remembers whether there were more. */
final class PointList {
    private final int limit;
    private final boolean envelope;
    private long[] t = new long[16];
    private double[] value = new double[16];
    private double[] min;
    private double[] max;
    private int size;
    private boolean truncated;

    PointList(int limit) {
        this(limit, false);
    }

    /** @param envelope whether each point carries its bucket's min and max */
    PointList(int limit, boolean envelope) {
        this.limit = limit;
        this.envelope = envelope;
        if (envelope) {
            min = new double[16];
            max = new double[16];
        }
    }

    /** Adds a point; false once the limit is passed (the point is then dropped and the answer truncated). */
    boolean add(long time, double v) {
        return add(time, v, v, v);
    }

    /** Adds a bucket with its envelope (ignored unless the list keeps envelopes); false past the limit. */
    boolean add(long time, double v, double bucketMin, double bucketMax) {
        if (size == limit) {
            truncated = true;
            return false;
        }
        if (size == t.length) {
            t = Arrays.copyOf(t, size * 2);
            value = Arrays.copyOf(value, size * 2);
            if (envelope) {
                min = Arrays.copyOf(min, size * 2);
                max = Arrays.copyOf(max, size * 2);
            }
        }
        t[size] = time;
        value[size] = v;
        if (envelope) {
            min[size] = bucketMin;
            max[size] = bucketMax;
        }
        size++;
        return true;
    }

    /** Adds the bucket's value of {@code aggregation}, with its envelope; false past the limit. */
    boolean add(long time, Bucket bucket, Aggregation aggregation) {
        return add(time, bucket.value(aggregation), bucket.min(), bucket.max());
    }

    SeriesData toSeries(SeriesKey key, String kind, String unit) {
        return new SeriesData(key, kind, unit, Arrays.copyOf(t, size), Arrays.copyOf(value, size), truncated,
                envelope ? Arrays.copyOf(min, size) : null, envelope ? Arrays.copyOf(max, size) : null);
    }
}
