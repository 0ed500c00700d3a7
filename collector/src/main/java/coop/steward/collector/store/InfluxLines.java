package coop.steward.collector.store;

import java.util.ArrayList;
import java.util.List;

/**
 * Line protocol for one write request, times in milliseconds. Built by hand rather than with the client's
 * {@code Point}, which formats every double through a {@code NumberFormat}: on the ingest path that costs more
 * than InfluxDB takes to store the point.
 */
final class InfluxLines {
    /** Points per request when a write is sent as several, as InfluxDB's own tools batch them. */
    static final int CHUNK_POINTS = 5_000;

    /**
     * Each chunk in a builder of its own, each after the first sized from the one before: one builder for a whole
     * transaction's points was copied each time it doubled, up to megabytes; now only the first chunk grows.
     */
    private final List<StringBuilder> chunks = new ArrayList<>(4);
    /** The chunk being written. */
    private StringBuilder text = new StringBuilder();
    private int points;
    private boolean hasFields;

    InfluxLines() {
        chunks.add(text);
    }

    InfluxLines measurement(String name) {
        nextLine();
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

    /**
     * Starts a point with a measurement and tags already in line protocol (from {@link #seriesOf}): a batch holds
     * many readings of each series, and escaping its names again for every one was most of building a write.
     */
    InfluxLines series(String measurementAndTags) {
        nextLine();
        text.append(measurementAndTags);
        hasFields = false;
        return this;
    }

    /** A measurement with a series' tags, as {@link #series} takes it. */
    static String seriesOf(String measurement, SeriesKey key, String kind, String unit) {
        InfluxLines one = new InfluxLines();
        one.measurement(measurement).tags(key, kind, unit);
        return one.toString();
    }

    InfluxLines field(String key, double value) {
        fieldKey(key).append(value);
        return this;
    }

    /** The field {@code value}, a point's only one in the current layout: written without escaping its name again. */
    InfluxLines value(double value) {
        text.append(hasFields ? ",value=" : " value=").append(value);
        hasFields = true;
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
        return chunks.size() == 1 ? text.toString() : String.join("\n", chunks());
    }

    /** The points in requests of at most {@link #CHUNK_POINTS}, in order. */
    List<String> chunks() {
        List<String> texts = new ArrayList<>(chunks.size());
        for (StringBuilder chunk : chunks) {
            texts.add(chunk.toString());
        }
        return texts;
    }

    private void nextLine() {
        if (points > 0) {
            if (points % CHUNK_POINTS == 0) {
                text = new StringBuilder(text.length() + text.length() / 8);
                chunks.add(text);
            } else {
                text.append('\n');
            }
        }
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
