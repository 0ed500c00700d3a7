package coop.steward.collector.store;

import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Readings the embedded store has committed to its {@link IngestJournal} and not yet moved into the {@code reading}
 * table, by series and time, in memory. Queries read them beside the table, so a reading is visible as soon as it is
 * acknowledged. Only the writer changes them; queries read from any thread, and may briefly see a reading both here
 * and in the table while it moves, so they keep the table's copy.
 */
final class PendingReadings {
    private final Map<Long, ConcurrentSkipListMap<Long, Double>> bySeries = new ConcurrentHashMap<>();
    private volatile int size;

    boolean contains(long seriesId, long t) {
        ConcurrentSkipListMap<Long, Double> points = bySeries.get(seriesId);
        return points != null && points.containsKey(t);
    }

    void add(long seriesId, long t, double value) {
        if (bySeries.computeIfAbsent(seriesId, id -> new ConcurrentSkipListMap<>()).putIfAbsent(t, value) == null) {
            size++;
        }
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** The earliest time of any point here; {@link Long#MAX_VALUE} when there is none. */
    long earliest() {
        long earliest = Long.MAX_VALUE;
        for (ConcurrentSkipListMap<Long, Double> points : bySeries.values()) {
            Map.Entry<Long, Double> first = points.firstEntry();
            if (first != null) {
                earliest = Math.min(earliest, first.getKey());
            }
        }
        return earliest;
    }

    /** A copy of a series' points in {@code [from, to)}, by time. */
    NavigableMap<Long, Double> points(long seriesId, long from, long to) {
        ConcurrentSkipListMap<Long, Double> points = bySeries.get(seriesId);
        return points == null || from >= to ? new TreeMap<>() : new TreeMap<>(points.subMap(from, to));
    }

    /** A series' latest point, or null when it has none here. */
    Point latest(long seriesId) {
        ConcurrentSkipListMap<Long, Double> points = bySeries.get(seriesId);
        Map.Entry<Long, Double> last = points == null ? null : points.lastEntry();
        return last == null ? null : new Point(last.getKey(), last.getValue());
    }

    /** The series that have points here. */
    Set<Long> seriesIds() {
        return bySeries.keySet();
    }

    /** They are in the table now. */
    void clear() {
        bySeries.clear();
        size = 0;
    }
}
