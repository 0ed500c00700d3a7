package coop.steward.collector.store;

/**
 * The mergeable state of one time bucket: what hourly roll-ups keep, and what a query combines from roll-ups
 * and raw points. Every {@link Aggregation} can be answered from it.
 */
final class Bucket {
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private double sum;
    private long count;
    private long lastT = Long.MIN_VALUE;
    private double last;

    void add(long t, double value) {
        merge(value, value, value, 1, t, value);
    }

    void merge(double min, double max, double sum, long count, long lastT, double last) {
        this.min = Math.min(this.min, min);
        this.max = Math.max(this.max, max);
        this.sum += sum;
        this.count += count;
        if (lastT > this.lastT) {
            this.lastT = lastT;
            this.last = last;
        }
    }

    double value(Aggregation aggregation) {
        return switch (aggregation) {
            case MEAN -> sum / count;
            case MIN -> min;
            case MAX -> max;
            case SUM -> sum;
            case COUNT -> count;
            case LAST -> last;
        };
    }

    double min() {
        return min;
    }

    double max() {
        return max;
    }

    double sum() {
        return sum;
    }

    long count() {
        return count;
    }

    long lastT() {
        return lastT;
    }

    double last() {
        return last;
    }
}
