package coop.steward.collector.store;

/** A series is one sensor of one device of one site. */
public record SeriesKey(String site, String device, String sensor) {
}
