package coop.steward.collector.store;

/** The answer to a {@link SeriesQuery}: ascending times and their values. kind and unit are null for no series. */
public record SeriesData(SeriesKey key, String kind, String unit, long[] t, double[] value, boolean truncated) {
}
