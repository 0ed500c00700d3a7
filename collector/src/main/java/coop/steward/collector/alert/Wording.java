package coop.steward.collector.alert;

import coop.steward.protocol.Kind;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** How alert messages write kinds, values, durations and times. */
final class Wording {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    private Wording() {
    }

    /** {@code soil_moisture} as "soil moisture". */
    static String kind(String kind) {
        return kind.startsWith("x_") ? kind.substring(2).replace('_', ' ') : kind.replace('_', ' ');
    }

    static String capitalised(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    /** A value with its kind's unit: "18.4 %", "0.8 L/min", "1". */
    static String value(double value, String kind) {
        String unit = Kind.lookup(kind).map(Kind::unit).orElse(null);
        return number(value) + (unit == null || "state".equals(unit) ? "" : " " + unit);
    }

    /** At most two decimals, no trailing zeros. */
    static String number(double value) {
        if (!Double.isFinite(value)) {
            return Double.toString(value);
        }
        return BigDecimal.valueOf(value).setScale(2, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }

    /** "90 seconds", "30 minutes", "2 hours", "12 hours 29 minutes", "1 day". */
    static String duration(long millis) {
        long seconds = millis / 1000;
        if (seconds < 60 || seconds < 120 && seconds % 60 != 0) {
            return plural(seconds, "second");
        }
        long minutes = Math.round(seconds / 60.0);
        if (minutes % 1440 == 0) {
            return plural(minutes / 1440, "day");
        }
        if (minutes < 120) {
            return plural(minutes, "minute");
        }
        return plural(minutes / 60, "hour") + (minutes % 60 == 0 ? "" : " " + plural(minutes % 60, "minute"));
    }

    static String time(long t) {
        return TIME.format(Instant.ofEpochMilli(t));
    }

    private static String plural(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }
}
