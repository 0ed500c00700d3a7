package coop.steward.collector.store;

import java.util.HashMap;
import java.util.HashSet;
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
 *
 * <p>They come in two generations: those arriving now, and those being moved into the table meanwhile
 * ({@link #startMove}), which stay visible until the move has committed ({@link #moved}). A reader looks at the
 * arriving generation first and the writer hands it over to the moving one before it starts a new one, so that a
 * reading is never in neither while they change.
 */
final class PendingReadings {
    /** One series' points in a generation. */
    private static final class Points {
        final ConcurrentSkipListMap<Long, Double> byTime = new ConcurrentSkipListMap<>();
        /**
         * The earliest and latest time among them, for the writer alone: it asks for every reading it writes while
         * any is pending, and most are newer than any pending, where looking them up in the map took a fifth of its
         * time outside SQLite.
         */
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
    }

    /** One generation's points. */
    static final class Generation {
        private final Map<Long, Points> bySeries = new ConcurrentHashMap<>();
        private volatile int size;

        /** For the writer: whether the generation holds the series' point at {@code t}. */
        boolean contains(long seriesId, long t) {
            Points points = bySeries.get(seriesId);
            return points != null && t >= points.first && t <= points.last && points.byTime.containsKey(t);
        }

        int size() {
            return size;
        }

        /** The series that have points here. */
        Set<Long> seriesIds() {
            return bySeries.keySet();
        }

        /** A series' points, by time (a live view: for the writer, or for a generation no longer changing). */
        NavigableMap<Long, Double> points(long seriesId) {
            Points points = bySeries.get(seriesId);
            return points == null ? new TreeMap<>() : points.byTime;
        }
    }

    private static final Generation NONE = new Generation();

    private volatile Generation arriving = new Generation();
    private volatile Generation moving = NONE;

    boolean contains(long seriesId, long t) {
        return arriving.contains(seriesId, t) || moving.contains(seriesId, t);
    }

    void add(long seriesId, long t, double value) {
        Generation g = arriving;
        Points points = g.bySeries.computeIfAbsent(seriesId, id -> new Points());
        if (points.byTime.putIfAbsent(t, value) == null) {
            points.first = Math.min(points.first, t);
            points.last = Math.max(points.last, t);
            g.size++;
        }
    }

    /** How many arrived since the last move started: the ones the next move takes. */
    int size() {
        return arriving.size;
    }

    boolean isEmpty() {
        return arriving.size == 0 && moving.size == 0;
    }

    /** Whether a move has started and not yet been reported {@link #moved}. */
    boolean isMoving() {
        return moving != NONE;
    }

    /** The earliest time of any point here; {@link Long#MAX_VALUE} when there is none. */
    long earliest() {
        long earliest = Long.MAX_VALUE;
        for (Generation g : new Generation[] {arriving, moving}) {
            for (Points points : g.bySeries.values()) {
                Map.Entry<Long, Double> first = points.byTime.firstEntry();
                if (first != null) {
                    earliest = Math.min(earliest, first.getKey());
                }
            }
        }
        return earliest;
    }

    /** A copy of a series' points in {@code [from, to)}, by time. */
    NavigableMap<Long, Double> points(long seriesId, long from, long to) {
        TreeMap<Long, Double> copy = new TreeMap<>();
        if (from >= to) {
            return copy;
        }
        // Arriving first: see the class comment.
        for (Generation g : new Generation[] {arriving, moving}) {
            Points points = g.bySeries.get(seriesId);
            if (points != null) {
                points.byTime.subMap(from, to).forEach(copy::putIfAbsent);
            }
        }
        return copy;
    }

    /** Each series' latest point here. */
    Map<Long, Point> latestBySeries() {
        Map<Long, Point> latest = new HashMap<>();
        for (Generation g : new Generation[] {arriving, moving}) {
            g.bySeries.forEach((id, points) -> {
                Map.Entry<Long, Double> last = points.byTime.lastEntry();
                if (last != null) {
                    latest.merge(id, new Point(last.getKey(), last.getValue()), (a, b) -> a.t() >= b.t() ? a : b);
                }
            });
        }
        return latest;
    }

    /** The series that have points here. */
    Set<Long> seriesIds() {
        Set<Long> ids = new HashSet<>(arriving.seriesIds());
        ids.addAll(moving.seriesIds());
        return ids;
    }

    /** The arriving readings start moving into the table; new ones arrive in a generation of their own. */
    Generation startMove() {
        if (isMoving()) {
            throw new IllegalStateException("a move is under way already");
        }
        Generation g = arriving;
        moving = g; // before the new generation: a reader that saw the old one as arriving finds it here
        arriving = new Generation();
        return g;
    }

    /** The generation moving into the table (empty when none is). */
    Generation moving() {
        return moving;
    }

    /** The moving readings are committed in the table. */
    void moved() {
        moving = NONE;
    }

    /** Every reading here is in the table now: after a move of all of them by the writer itself. */
    void clear() {
        moving = NONE;
        arriving = new Generation();
    }
}
