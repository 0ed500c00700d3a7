package coop.steward.collector.store;

/**
 * Where one layout of Steward's data lives: raw readings and hourly roll-ups, as qualified InfluxQL sources. The
 * current layout keeps {@code kind} and {@code unit} as tags; the layout of Steward before it (the database's
 * default retention policy, string fields {@code kind} and {@code unit} on every point) is read, and written, only
 * while {@link InfluxMigration} moves it over. Queries read both the same way: InfluxQL selects a tag and a field
 * alike.
 */
record InfluxLayout(String retentionPolicy, String rawSource, String rollupSource, boolean kindAndUnitAreTags) {
    static final InfluxLayout CURRENT = new InfluxLayout(InfluxSchema.RAW_RP,
            InfluxQl.identifier(InfluxSchema.RAW_RP) + "." + InfluxQl.identifier(InfluxSchema.READING),
            InfluxQl.identifier(InfluxSchema.FOREVER_RP) + "." + InfluxQl.identifier(InfluxSchema.ROLLUP), true);

    /** The layout before issue 15, all in one retention policy that keeps data for ever. */
    static InfluxLayout before(String retentionPolicy) {
        return new InfluxLayout(retentionPolicy,
                InfluxQl.identifier(retentionPolicy) + "." + InfluxQl.identifier(InfluxSchema.READING),
                InfluxQl.identifier(retentionPolicy) + "." + InfluxQl.identifier(InfluxSchema.ROLLUP), false);
    }

    /** The unit a query's {@code unit} column holds, as the reading gave it. */
    String unit(String column) {
        return kindAndUnitAreTags ? InfluxUnitTag.decode(column) : column == null ? "" : column;
    }

    /** Adds one raw reading as this layout writes it. */
    void addReading(InfluxLines lines, SeriesKey key, String kind, String unit, double value, long t) {
        addReading(lines, InfluxLines.seriesOf(InfluxSchema.READING, key, kind, unit), key, kind, unit, value, t);
    }

    /**
     * Adds one raw reading as this layout writes it. {@code series} is the point's start for the current layout,
     * {@link InfluxLines#seriesOf} of this reading's key, kind and unit.
     */
    void addReading(InfluxLines lines, String series, SeriesKey key, String kind, String unit, double value, long t) {
        if (kindAndUnitAreTags) {
            lines.series(series).value(value);
        } else {
            lines.measurement(InfluxSchema.READING);
            lines.tags(key).field("value", value).field("kind", kind).field("unit", unit);
        }
        lines.time(t);
    }
}
