package coop.steward.collector.store;

/** Pieces of InfluxQL text: quoted literals, series conditions, and time ranges that InfluxDB can represent. */
final class InfluxQl {
    static final long HOUR = 3_600_000L;
    /** InfluxDB keeps times as signed 64-bit nanoseconds; these are the milliseconds that fit. */
    static final long MIN_MS = -9_223_372_036_854L;
    static final long MAX_MS = 9_223_372_036_854L;

    private InfluxQl() {
    }

    /** A string literal; InfluxQL knows only the escapes backslash, quote and newline. */
    static String string(String value) {
        StringBuilder s = new StringBuilder(value.length() + 2).append('\'');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> s.append("\\\\");
                case '\'' -> s.append("\\'");
                case '\n' -> s.append("\\n");
                default -> s.append(c);
            }
        }
        return s.append('\'').toString();
    }

    static String identifier(String name) {
        return '"' + name.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    static String series(SeriesKey key) {
        return "site = " + string(key.site()) + " AND device = " + string(key.device()) + " AND sensor = "
                + string(key.sensor());
    }

    /** {@code [from, to)}, clamped to the times InfluxDB can hold so that open ends such as 0..MAX work. */
    static String range(long from, long to) {
        return "time >= " + clamp(from) + "ms AND time < " + clamp(to) + "ms";
    }

    static long clamp(long ms) {
        return Math.max(MIN_MS, Math.min(MAX_MS, ms));
    }

    static long floorHour(long t) {
        return Math.floorDiv(t, HOUR) * HOUR;
    }

    static long ceilHour(long t) {
        return -Math.floorDiv(-t, HOUR) * HOUR;
    }
}
