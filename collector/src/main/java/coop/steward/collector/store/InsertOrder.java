package coop.steward.collector.store;

import java.util.Arrays;
import java.util.Comparator;

/**
 * The order the embedded store inserts a transaction's rows in: by series, then by time, its primary key's order.
 * Messages from many devices arrive interleaved; inserting in key order touches each page of the table once per
 * transaction instead of once per message.
 */
final class InsertOrder {
    /** The most series ids apart that a transaction's rows are counted into place across, or more for more rows. */
    private static final int COUNTED_SPAN = 1 << 16;

    private InsertOrder() {
    }

    /** Sorts the first {@code n} rows of the three arrays, which hold one row at each index, by series then time. */
    static void sortBySeriesAndTime(long[] ids, long[] times, double[] values, int n) {
        int[] order = seriesThenArrival(ids, n);
        // A device sends each sensor's readings in time order, so a series' run is almost always sorted already;
        // only runs that are not (resends, replays) are sorted by time.
        for (int from = 0; from < n; ) {
            int to = from + 1;
            boolean ordered = true;
            while (to < n && ids[order[to]] == ids[order[from]]) {
                ordered &= times[order[to - 1]] <= times[order[to]];
                to++;
            }
            if (!ordered) {
                sortRunByTime(order, from, to, times);
            }
            from = to;
        }
        long[] sortedIds = new long[n];
        long[] sortedTimes = new long[n];
        double[] sortedValues = new double[n];
        for (int i = 0; i < n; i++) {
            sortedIds[i] = ids[order[i]];
            sortedTimes[i] = times[order[i]];
            sortedValues[i] = values[order[i]];
        }
        System.arraycopy(sortedIds, 0, ids, 0, n);
        System.arraycopy(sortedTimes, 0, times, 0, n);
        System.arraycopy(sortedValues, 0, values, 0, n);
    }

    /**
     * Indices ordered by series, then by arrival. Series ids are rowids, so a transaction's usually lie close
     * together, and are counted into place in one pass: sorting them took a third of the writer's time outside
     * SQLite.
     */
    private static int[] seriesThenArrival(long[] ids, int n) {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            min = Math.min(min, ids[i]);
            max = Math.max(max, ids[i]);
        }
        long span = max - min; // negative when it overflows
        return n > 0 && span >= 0 && span <= Math.min(Math.max(COUNTED_SPAN, 4L * n), Integer.MAX_VALUE - 1)
                ? countedIntoPlace(ids, n, min, (int) span + 1) : sortedPacked(ids, n);
    }

    /** A counting sort: each series' rows go after those of every lower id, in the order they arrived. */
    private static int[] countedIntoPlace(long[] ids, int n, long min, int span) {
        int[] next = new int[span + 1];
        for (int i = 0; i < n; i++) {
            next[(int) (ids[i] - min) + 1]++;
        }
        for (int k = 0; k < span; k++) {
            next[k + 1] += next[k];
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[next[(int) (ids[i] - min)]++] = i;
        }
        return order;
    }

    /**
     * By a primitive sort of (series, index) packed into one long, for ids too far apart to count: a comparator over
     * boxed indices cost a tenth of the writer's time and kept the JIT recompiling it.
     */
    private static int[] sortedPacked(long[] ids, int n) {
        int[] order = new int[n];
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            if (ids[i] < 0 || ids[i] > Integer.MAX_VALUE) {
                return seriesThenArrivalBoxed(ids, n);
            }
            keys[i] = ids[i] << 32 | i;
        }
        Arrays.sort(keys);
        for (int i = 0; i < n; i++) {
            order[i] = (int) keys[i];
        }
        return order;
    }

    /** For series ids too large to pack, which SQLite's rowids of a real site never reach. */
    private static int[] seriesThenArrivalBoxed(long[] ids, int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        sortStably(order, 0, n, Comparator.comparingLong(i -> ids[i]));
        return order;
    }

    private static void sortRunByTime(int[] order, int from, int to, long[] times) {
        sortStably(order, from, to, Comparator.comparingLong(i -> times[i]));
    }

    /** Sorts {@code order[from, to)}; equal keys keep their order. Boxed, for the rare cases only. */
    private static void sortStably(int[] order, int from, int to, Comparator<Integer> by) {
        Integer[] run = new Integer[to - from];
        for (int i = from; i < to; i++) {
            run[i - from] = order[i];
        }
        Arrays.sort(run, by);
        for (int i = from; i < to; i++) {
            order[i] = run[i - from];
        }
    }
}
