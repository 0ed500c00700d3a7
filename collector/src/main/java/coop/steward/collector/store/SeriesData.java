package coop.steward.collector.store;

/**
 * The answer to a {@link SeriesQuery}: ascending times and their values. kind and unit are null for no series.
 * {@code min} and {@code max} are each bucket's envelope when the query asked for it, null otherwise.
 */
public record SeriesData(SeriesKey key, String kind, String unit, long[] t, double[] value, boolean truncated,
                         double[] min, double[] max) {
    public SeriesData(SeriesKey key, String kind, String unit, long[] t, double[] value, boolean truncated) {
        this(key, kind, unit, t, value, truncated, null, null);
    }

    /** No such series: no points, and no kind or unit. */
    public static SeriesData none(SeriesQuery query) {
        return query.envelope()
                ? new SeriesData(query.key(), null, null, new long[0], new double[0], false, new double[0], new double[0])
                : new SeriesData(query.key(), null, null, new long[0], new double[0], false);
    }

    public boolean hasEnvelope() {
        return min != null;
    }
}
