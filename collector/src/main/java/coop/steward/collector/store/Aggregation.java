package coop.steward.collector.store;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** How the points of one time bucket become one value. */
public enum Aggregation {
    MEAN, MIN, MAX, LAST, SUM, COUNT;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Aggregation> parse(String code) {
        return Arrays.stream(values()).filter(a -> a.code().equals(code)).findFirst();
    }

    public static String codes() {
        return Arrays.stream(values()).map(Aggregation::code).collect(Collectors.joining(", "));
    }
}
