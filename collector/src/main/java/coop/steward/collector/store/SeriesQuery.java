package coop.steward.collector.store;

/**
 * Points of one series in {@code [from, to)}. With an aggregation, one point per non-empty bucket of
 * {@code stepMillis} aligned to the epoch; without one, raw points. At most {@code limit} points.
 */
public record SeriesQuery(SeriesKey key, long from, long to, Aggregation aggregation, long stepMillis, int limit) {
    public static SeriesQuery raw(SeriesKey key, long from, long to, int limit) {
        return new SeriesQuery(key, from, to, null, 0, limit);
    }

    public boolean isRaw() {
        return aggregation == null;
    }
}
