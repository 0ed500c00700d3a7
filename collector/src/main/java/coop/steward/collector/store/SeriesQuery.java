package coop.steward.collector.store;

import java.util.List;

/**
 * Points of one series in {@code [from, to)}. With an aggregation, one point per non-empty bucket of
 * {@code stepMillis} aligned to the epoch; without one, raw points. At most {@code limit} points.
 */
public record SeriesQuery(SeriesKey key, long from, long to, Aggregation aggregation, long stepMillis, int limit) {
    /** The steps {@code maxPoints} chooses from, smallest first. */
    public static final List<Long> STEPS = List.of(1_000L, 5_000L, 15_000L, 60_000L, 300_000L, 900_000L,
            3_600_000L, 21_600_000L, 86_400_000L);

    /** The smallest step for which at most {@code maxPoints} aligned buckets overlap [from, to); else 1 d. */
    public static long stepFor(long from, long to, int maxPoints) {
        for (long step : STEPS) {
            long buckets = to <= from ? 0 : Math.floorDiv(to - 1, step) - Math.floorDiv(from, step) + 1;
            if (buckets <= maxPoints) {
                return step;
            }
        }
        return STEPS.get(STEPS.size() - 1);
    }

    public static SeriesQuery raw(SeriesKey key, long from, long to, int limit) {
        return new SeriesQuery(key, from, to, null, 0, limit);
    }

    public boolean isRaw() {
        return aggregation == null;
    }
}
