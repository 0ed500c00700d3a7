package coop.steward.collector.store;

import java.util.List;

/**
 * Steward's own progress in the database, one point in {@code forever.steward_state} at time 0, so that work
 * resumes where it stopped after a restart or a kill: up to where the roll-ups were checked against the raw
 * readings ({@link InfluxRollups#reconcile}), and the migration from the layout before ({@link InfluxMigration}).
 * A write changes only the fields it carries.
 *
 * @param migrationSource the retention policy that holds data of the layout before, still being moved; null when
 *                        there is none
 * @param unmigratedBefore data of the layout before from this time on has been moved; earlier data not yet
 * @param checkedBefore    roll-ups of hours before this time have been checked
 */
record InfluxState(String migrationSource, long unmigratedBefore, long checkedBefore) {
    private static final String MEASUREMENT = InfluxSchema.STATE;

    /** The stored state, or null on a database that Steward has not written its state to yet. */
    static InfluxState load(InfluxConnection influx) {
        List<InfluxRows> rows = influx.query("SELECT * FROM " + InfluxQl.identifier(InfluxSchema.FOREVER_RP) + "."
                + InfluxQl.identifier(MEASUREMENT));
        if (rows.isEmpty() || rows.get(0).size() == 0) {
            return null;
        }
        InfluxRows r = rows.get(0);
        String source = r.text(0, "migration_source");
        return new InfluxState(source == null || source.isEmpty() ? null : source,
                r.has(0, "unmigrated_before") ? r.whole(0, "unmigrated_before") : InfluxQl.MIN_MS,
                r.has(0, "checked_before") ? r.whole(0, "checked_before") : InfluxQl.MIN_MS);
    }

    boolean migrating() {
        return migrationSource != null;
    }

    void save(InfluxConnection influx) {
        InfluxLines lines = new InfluxLines();
        lines.measurement(MEASUREMENT).field("migration_source", migrationSource == null ? "" : migrationSource)
                .field("unmigrated_before", unmigratedBefore).field("checked_before", checkedBefore).time(0);
        influx.write(InfluxSchema.FOREVER_RP, lines);
    }

    InfluxState withUnmigratedBefore(long t) {
        return new InfluxState(migrationSource, t, checkedBefore);
    }

    InfluxState migrated() {
        return new InfluxState(null, InfluxQl.MIN_MS, checkedBefore);
    }

    InfluxState withCheckedBefore(long t) {
        return new InfluxState(migrationSource, unmigratedBefore, t);
    }
}
