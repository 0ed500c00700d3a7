package coop.steward.collector.store;

/** A series with its latest point, for the device overview. */
public record SensorSummary(SeriesKey key, String kind, String unit, Point last) {
}
