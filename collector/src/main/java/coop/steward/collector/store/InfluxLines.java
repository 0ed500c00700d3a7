package coop.steward.collector.store;

/**
 * Line protocol for one write request, times in milliseconds. Built by hand rather than with the client's
 * {@code Point}, which formats every double through a {@code NumberFormat}: on the ingest path that costs more
 * than InfluxDB takes to store the point.
 */
final class InfluxLines {
    private final StringBuilder text = new StringBuilder();
    private int points;
    private boolean hasFields;

    InfluxLines measurement(String name) {
        if (points > 0) {
            text.append('\n');
        }
        escape(name, false);
        hasFields = false;
        return this;
    }

    InfluxLines tag(String key, String value) {
        text.append(',');
        escape(key, true);
        text.append('=');
        escape(value, true);
        return this;
    }

    InfluxLines tags(SeriesKey key) {
        return tag("device", key.device()).tag("sensor", key.sensor()).tag("site", key.site());
    }

    /** A series with its kind and unit as tags, in key order as InfluxDB prefers; an empty unit is no tag. */
    InfluxLines tags(SeriesKey key, String kind, String unit) {
        tag("device", key.device()).tag("kind", kind).tag("sensor", key.sensor()).tag("site", key.site());
        String unitTag = InfluxUnitTag.encode(unit);
        return unitTag == null ? this : tag("unit", unitTag);
    }

    InfluxLines field(String key, double value) {
        fieldKey(key).append(value);
        return this;
    }

    InfluxLines field(String key, long value) {
        fieldKey(key).append(value).append('i');
        return this;
    }

    InfluxLines field(String key, String value) {
        fieldKey(key).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                text.append('\\');
            }
            text.append(c);
        }
        text.append('"');
        return this;
    }

    void time(long millis) {
        text.append(' ').append(millis);
        points++;
    }

    int points() {
        return points;
    }

    @Override
    public String toString() {
        return text.toString();
    }

    private StringBuilder fieldKey(String key) {
        text.append(hasFields ? ',' : ' ');
        hasFields = true;
        escape(key, true);
        return text.append('=');
    }

    private void escape(String s, boolean equalsToo) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ',' || c == ' ' || (equalsToo && c == '=')) {
                text.append('\\');
            }
            text.append(c);
        }
    }
}
