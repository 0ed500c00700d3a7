package coop.steward.bench;

import java.util.Arrays;

/** Latency percentiles of a set of samples, in milliseconds. */
record Percentiles(double p50, double p95, double p99) {
    static Percentiles of(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return new Percentiles(at(sorted, 0.50), at(sorted, 0.95), at(sorted, 0.99));
    }

    private static double at(long[] sorted, double q) {
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }
}
