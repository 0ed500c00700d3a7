package coop.steward.config;

/** The numbers a setting accepts, and how to say so in a message. */
record Range(double min, boolean minIncluded, double max) {

    static Range between(double min, double max) {
        return new Range(min, true, max);
    }

    static Range aboveZeroUpTo(double max) {
        return new Range(0, false, max);
    }

    static Range aboveZero() {
        return new Range(0, false, Double.POSITIVE_INFINITY);
    }

    static Range anyFinite() {
        return new Range(Double.NEGATIVE_INFINITY, true, Double.POSITIVE_INFINITY);
    }

    boolean contains(double value) {
        return Double.isFinite(value) && (minIncluded ? value >= min : value > min) && value <= max;
    }

    /** "from 5 to 3600", "more than 0 and at most 3600", "more than 0", or nothing when any finite value will do. */
    String describe() {
        if (Double.isInfinite(min) && Double.isInfinite(max)) {
            return "";
        }
        String low = minIncluded ? "from " + format(min) : "more than " + format(min);
        if (Double.isInfinite(max)) {
            return low;
        }
        return minIncluded ? low + " to " + format(max) : low + " and at most " + format(max);
    }

    static String format(double value) {
        return value == Math.rint(value) && Double.isFinite(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
