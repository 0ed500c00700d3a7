package coop.steward.collector.store;

import static coop.steward.collector.store.InfluxQl.HOUR;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.Lock;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves readings of the layout before issue 15 (one retention policy kept for ever, string fields {@code kind} and
 * {@code unit} on every point, roll-ups made by Steward) into the current one, in the background, newest hours
 * first. InfluxQL's {@code SELECT INTO} cannot turn a field into a tag, so Steward reads and writes the points
 * itself.
 * <p>
 * Everything before {@link InfluxState#unmigratedBefore()} is still in the layout before, and read from there; from
 * it on, from the current layout ({@link #pieces}). A write that falls before it goes to the layout before too
 * ({@link InfluxWrites}), so each reading is in exactly one place that queries read. A window is moved under the
 * write lock, and only then is the boundary moved back, durably: a kill at any point leaves the boundary where it
 * was, and the window, moved again, overwrites its points with the same ones. Roll-ups of the layout before are
 * copied as they are (their raw readings are gone); other hours are rolled up from the raw readings; raw readings
 * are copied where the raw retention still keeps them. The layout before is left in its retention policy, for its
 * owner to drop.
 */
final class InfluxMigration {
    private static final Logger LOG = LoggerFactory.getLogger(InfluxMigration.class);
    /** Points moved under one hold of the write lock, so that ingest waits a second at most meanwhile. */
    private static final long WINDOW_POINTS = 100_000;
    private static final int WRITE_POINTS = 20_000;

    private final InfluxConnection influx;
    private final Lock writeLock;
    private final InfluxProgress progress;
    private final long rawRetentionMs;

    InfluxMigration(InfluxConnection influx, Lock writeLock, InfluxProgress progress, Duration rawRetention) {
        this.influx = influx;
        this.writeLock = writeLock;
        this.progress = progress;
        this.rawRetentionMs = rawRetention.toMillis();
    }

    /**
     * The retention policy that holds Steward's readings in the layout before, or null: a policy other than
     * Steward's own whose {@code reading} has a string field {@code kind}, or that has {@code reading_1h}.
     */
    static String findLayoutBefore(InfluxConnection influx) {
        List<String> candidates = new ArrayList<>();
        String preferred = InfluxSchema.defaultPolicy(influx);
        for (String policy : InfluxSchema.policies(influx).keySet()) {
            if (!policy.equals(InfluxSchema.RAW_RP) && !policy.equals(InfluxSchema.FOREVER_RP)) {
                candidates.add(policy.equals(preferred) ? 0 : candidates.size(), policy);
            }
        }
        for (String policy : candidates) {
            InfluxLayout before = InfluxLayout.before(policy);
            List<List<InfluxRows>> found = influx.query(List.of("SELECT first(kind) FROM " + before.rawSource(),
                    "SELECT first(\"count\") FROM " + before.rollupSource()));
            if (!found.get(0).isEmpty() || !found.get(1).isEmpty()) {
                return policy;
            }
        }
        return null;
    }

    /** Where moving starts: the hour after the newest point of the layout before. */
    static long firstBoundary(InfluxConnection influx, String policy) {
        long newest = newest(influx, InfluxLayout.before(policy), InfluxQl.MAX_MS);
        return newest == Long.MIN_VALUE ? InfluxQl.MIN_MS : InfluxQl.floorHour(newest) + HOUR;
    }

    /** Copies the device registry of the layout before, once, before anything new is written. */
    static void copyDevices(InfluxConnection influx, String policy) {
        InfluxLines lines = new InfluxLines();
        for (DeviceStatus d : InfluxDevices.read(influx, InfluxQl.identifier(policy))) {
            lines.measurement(InfluxSchema.DEVICE).tag("device", d.device()).tag("site", d.site());
            if (!DeviceStatus.UNKNOWN.equals(d.state())) {
                lines.field("state", d.state());
            }
            if (d.lastSeen() != null) {
                lines.field("last_seen", d.lastSeen());
            }
            lines.time(0);
        }
        influx.write(InfluxSchema.FOREVER_RP, lines);
    }

    /** The layout before while it is being moved, else null. */
    InfluxLayout layoutBefore() {
        String source = progress.get().migrationSource();
        return source == null ? null : InfluxLayout.before(source);
    }

    /** Readings before this time are still in the layout before; {@link InfluxQl#MIN_MS} once all are moved. */
    long unmigratedBefore() {
        InfluxState state = progress.get();
        return state.migrating() ? state.unmigratedBefore() : InfluxQl.MIN_MS;
    }

    /** The layouts that hold readings now, current first. */
    List<InfluxLayout> layouts() {
        InfluxLayout before = layoutBefore();
        return before == null ? List.of(InfluxLayout.CURRENT) : List.of(InfluxLayout.CURRENT, before);
    }

    /** {@code [from, to)} split where the layouts meet, earliest first, empty pieces left out. */
    List<InfluxSeriesQuery.Piece> pieces(long from, long to) {
        InfluxState state = progress.get();
        List<InfluxSeriesQuery.Piece> pieces = new ArrayList<>();
        long boundary = state.migrating() ? Math.max(from, Math.min(to, state.unmigratedBefore())) : from;
        if (boundary > from) {
            pieces.add(new InfluxSeriesQuery.Piece(InfluxLayout.before(state.migrationSource()), from, boundary));
        }
        if (to > boundary) {
            pieces.add(new InfluxSeriesQuery.Piece(InfluxLayout.CURRENT, boundary, to));
        }
        return pieces;
    }

    /** Moves windows, newest first, while there is something to move and {@code go} says so. */
    void run(long now, BooleanSupplier go) {
        while (go.getAsBoolean() && progress.get().migrating()) {
            writeLock.lock();
            try {
                moveNextWindow(now);
            } finally {
                writeLock.unlock();
            }
        }
    }

    private void moveNextWindow(long now) {
        InfluxState state = progress.get();
        InfluxLayout before = InfluxLayout.before(state.migrationSource());
        long newest = newest(influx, before, state.unmigratedBefore());
        if (newest == Long.MIN_VALUE) {
            progress.save(InfluxState::migrated);
            LOG.info("Moved every reading of the layout before into the current one. The old copy stays in "
                    + "retention policy {}: drop it when you no longer need it (DROP RETENTION POLICY \"{}\" ON \"{}\")",
                    before.retentionPolicy(), before.retentionPolicy(), influx.database());
            return;
        }
        long end = Math.min(state.unmigratedBefore(), InfluxQl.floorHour(newest) + HOUR);
        long span = 24 * HOUR;
        while (span > HOUR && count(before, end - span, end) > WINDOW_POINTS) {
            span = Math.max(HOUR, InfluxQl.floorHour(span / 2));
        }
        long start = end - span;
        move(before, start, end, InfluxQl.ceilHour(now - rawRetentionMs) + HOUR);
        progress.save(s -> s.withUnmigratedBefore(start));
    }

    private long count(InfluxLayout before, long from, long to) {
        List<InfluxRows> rows = influx.query("SELECT count(value) FROM " + before.rawSource() + " WHERE "
                + InfluxQl.range(from, to));
        return rows.isEmpty() ? 0 : rows.get(0).whole(0, "count");
    }

    private record HourKey(SeriesKey key, long hour) {
    }

    /** Raw readings first, then roll-ups: a window half moved is moved again whole. */
    private void move(InfluxLayout before, long start, long end, long rawFrom) {
        String range = InfluxQl.range(start, end);
        String byHour = " WHERE " + range + " GROUP BY time(1h), site, device, sensor fill(none)";
        List<List<InfluxRows>> answers = influx.query(List.of(
                "SELECT \"min\", \"max\", \"sum\", \"count\", \"last\", kind, unit FROM " + before.rollupSource()
                        + " WHERE " + range + " GROUP BY site, device, sensor",
                "SELECT min(value) AS \"min\", max(value) AS \"max\", sum(value) AS \"sum\", count(value) AS "
                        + "\"count\", last(value) AS \"last\" FROM " + before.rawSource() + byHour,
                "SELECT last(kind) AS \"kind\", last(unit) AS \"unit\" FROM " + before.rawSource() + byHour));
        InfluxLines rollups = new InfluxLines();
        Set<HourKey> rolledUp = new HashSet<>();
        for (InfluxRows rows : answers.get(0)) {
            for (int i = 0; i < rows.size(); i++) {
                rolledUp.add(new HourKey(rows.key(), rows.time(i)));
                addRollup(rollups, rows, i, rows.text(i, "kind"), before.unit(rows.text(i, "unit")));
            }
        }
        Map<HourKey, String[]> kinds = new HashMap<>();
        for (InfluxRows rows : answers.get(2)) {
            for (int i = 0; i < rows.size(); i++) {
                kinds.put(new HourKey(rows.key(), rows.time(i)),
                        new String[] {rows.text(i, "kind"), before.unit(rows.text(i, "unit"))});
            }
        }
        for (InfluxRows rows : answers.get(1)) {
            for (int i = 0; i < rows.size(); i++) {
                HourKey hour = new HourKey(rows.key(), rows.time(i));
                String[] kind = kinds.get(hour);
                if (!rolledUp.contains(hour) && kind != null) {
                    addRollup(rollups, rows, i, kind[0], kind[1]);
                }
            }
        }
        copyRaw(before, Math.max(start, rawFrom), end, rolledUp);
        influx.write(InfluxSchema.FOREVER_RP, rollups);
    }

    private static void addRollup(InfluxLines lines, InfluxRows rows, int i, String kind, String unit) {
        Bucket b = new Bucket();
        b.merge(rows.number(i, "min"), rows.number(i, "max"), rows.number(i, "sum"), rows.whole(i, "count"),
                rows.time(i), rows.number(i, "last"));
        InfluxRollups.add(lines, rows.key(), kind, unit, b, rows.time(i));
    }

    private void copyRaw(InfluxLayout before, long from, long to, Set<HourKey> rolledUp) {
        if (from >= to) {
            return;
        }
        InfluxLines lines = new InfluxLines();
        for (InfluxRows rows : influx.query("SELECT value, kind, unit FROM " + before.rawSource() + " WHERE "
                + InfluxQl.range(from, to) + " GROUP BY site, device, sensor")) {
            for (int i = 0; i < rows.size(); i++) {
                if (!rolledUp.contains(new HourKey(rows.key(), InfluxQl.floorHour(rows.time(i))))) {
                    InfluxLayout.CURRENT.addReading(lines, rows.key(), rows.text(i, "kind"),
                            before.unit(rows.text(i, "unit")), rows.number(i, "value"), rows.time(i));
                }
                if (lines.points() == WRITE_POINTS) {
                    influx.write(InfluxSchema.RAW_RP, lines);
                    lines = new InfluxLines();
                }
            }
        }
        influx.write(InfluxSchema.RAW_RP, lines);
    }

    /** The time of the newest raw reading or roll-up of the layout before {@code before}, or Long.MIN_VALUE. */
    private static long newest(InfluxConnection influx, InfluxLayout layout, long before) {
        String range = " WHERE " + InfluxQl.range(InfluxQl.MIN_MS, before);
        long newest = Long.MIN_VALUE;
        for (List<InfluxRows> answer : influx.query(List.of("SELECT last(value) FROM " + layout.rawSource() + range,
                "SELECT last(\"count\") FROM " + layout.rollupSource() + range))) {
            if (!answer.isEmpty()) {
                newest = Math.max(newest, answer.get(0).time(0));
            }
        }
        return newest;
    }
}
