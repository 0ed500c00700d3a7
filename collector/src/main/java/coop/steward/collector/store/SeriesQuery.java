package coop.steward.collector.store;

import java.util.List;

/**
 * Points of one series in {@code [from, to)}. With an aggregation, one point per non-empty bucket of
 * {@code stepMillis} aligned to the epoch; without one, raw points. At most {@code limit} points. With
 * {@code envelope}, each bucket also carries its min and max ({@link SeriesData#min()}, {@link SeriesData#max()}),
 * answered by the same store query as the aggregation.
 */
public record SeriesQuery(SeriesKey key, long from, long to, Aggregation aggregation, long stepMillis, int limit,
                          boolean envelope) {
    /** The steps {@code maxPoints} chooses from, smallest first. */
    public static final List<Long> STEPS = List.of(1_000L, 5_000L, 15_000L, 60_000L, 300_000L, 900_000L,
            3_600_000L, 21_600_000L, 86_400_000L);
    /** The contract refuses readings from before 2000-01-01, so no series holds anything older. */
    public static final long EARLIEST = 946_684_800_000L;
    private static final long HOUR = 3_600_000L;

    public SeriesQuery {
        if (envelope && aggregation == null) {
            throw new IllegalArgumentException("an envelope needs buckets: give an aggregation and a step");
        }
    }

    public SeriesQuery(SeriesKey key, long from, long to, Aggregation aggregation, long stepMillis, int limit) {
        this(key, from, to, aggregation, stepMillis, limit, false);
    }

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
        return new SeriesQuery(key, from, to, null, 0, limit, false);
    }

    /**
     * The series' latest reading before {@code t}, however old, as the one bucket's {@code last}: one bucket of whole
     * hours holds everything from {@link #EARLIEST}, so stores answer it from their hourly roll-ups, which outlive
     * raw retention.
     */
    public static SeriesQuery latestBefore(SeriesKey key, long t) {
        long step = Math.max(HOUR, (Math.floorDiv(t, HOUR) + 1) * HOUR);
        return new SeriesQuery(key, EARLIEST, Math.max(EARLIEST, t), Aggregation.LAST, step, 1, false);
    }

    /** This query, with each bucket's min and max too. */
    public SeriesQuery withEnvelope() {
        return new SeriesQuery(key, from, to, aggregation, stepMillis, limit, true);
    }

    public boolean isRaw() {
        return aggregation == null;
    }
}
