package coop.steward.collector.store;

/**
 * Readings as rows of the embedded store's {@code reading} table (series id, time, value), in arrays of their own:
 * a write of 100,000 readings as three arrays, not 100,000 objects.
 */
final class TableRows {
    final long[] ids;
    final long[] times;
    final double[] values;
    int n;

    TableRows(int capacity) {
        ids = new long[capacity];
        times = new long[capacity];
        values = new double[capacity];
    }

    /** A generation of pending readings as rows, series by series. */
    static TableRows of(PendingReadings.Generation generation) {
        TableRows rows = new TableRows(generation.size());
        for (long id : generation.seriesIds()) {
            generation.points(id).forEach((t, value) -> rows.add(id, t, value));
        }
        return rows;
    }

    void add(long id, long t, double value) {
        ids[n] = id;
        times[n] = t;
        values[n] = value;
        n++;
    }

    long earliest() {
        long earliest = Long.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            earliest = Math.min(earliest, times[i]);
        }
        return earliest;
    }

    long newest() {
        long newest = Long.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            newest = Math.max(newest, times[i]);
        }
        return newest;
    }

    boolean anyBefore(long t) {
        for (int i = 0; i < n; i++) {
            if (times[i] < t) {
                return true;
            }
        }
        return false;
    }
}
