package coop.steward.collector.store;

public record Point(long t, double value) {
}
