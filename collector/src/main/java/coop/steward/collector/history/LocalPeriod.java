package coop.steward.collector.history;

/** One calendar period of a site's zone: {@code [start, end)} in epoch milliseconds, and its label. */
public record LocalPeriod(long start, long end, String label) {
}
