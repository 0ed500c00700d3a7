package coop.steward.collector.store;

import static coop.steward.collector.store.InfluxQl.HOUR;

import coop.steward.protocol.Reading;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Lock;
import java.util.function.Supplier;

/**
 * Hourly roll-ups ({@code forever.reading_1h}) that keep every reading once its raw copy has left the {@code raw}
 * policy. InfluxDB's continuous query makes them for current readings; Steward makes them where the query cannot:
 * <ul>
 * <li>readings that arrive after their hour's last run of the query (an agent or a site replaying its backlog):
 * their hours are recomputed from the raw readings once the writer has nothing more waiting
 * ({@link InfluxWrites#settle}), or, if the collector dies first, by upkeep ({@link #reconcile}), long before the
 * raw readings go. A write of readings in hours that upkeep may have checked already leaves a mark in
 * {@code forever.steward_late} (when it wrote, and the earliest such hour) in the same request as its other points,
 * so before it is acknowledged: upkeep starts from the earliest mark, whichever collector of a hub group wrote it,
 * and a kill or a restart cannot skip it. Only readings so old that InfluxDB could drop their raw copy before the
 * next upkeep are recomputed before the write returns ({@link #refresh});
 * <li>readings older than the raw retention, which InfluxDB refuses in {@code raw}: they go straight into their
 * hour's roll-up, if that hour has none yet ({@link #addDirect});
 * <li>hours the query missed (InfluxDB down at the hour, or continuous queries turned off): upkeep compares each
 * hour's count with the raw count once the query is done with it, and recomputes those that differ.
 * </ul>
 * Series queries read the raw readings of an hour beside its roll-up, so an hour waiting for upkeep reads the same.
 * Recomputing each late write's hours at once cost a replay most of its time (each message of it recomputed the
 * same hour again; {@code bin/bench}, hub at scale).
 */
final class InfluxRollups {
    /**
     * Readings of the current hour and the one before are current: the continuous query rolls them up, in a run
     * after they were written. Older ones are late.
     */
    static final int LIVE_HOURS = 2;
    private static final long DAY = 24 * HOUR;

    /**
     * Late readings this close to the raw retention's edge are rolled up before the write returns: InfluxDB drops a
     * raw reading as early as the retention after its time, which for them may come before the next upkeep.
     */
    static final long EDGE = 2 * DAY;

    /** Statements of upkeep's recomputation sent at a time, each time holding the write lock. */
    private static final int CHUNK = 50;

    /**
     * Marks written this long before an upkeep run started are removed once it is done; later ones are left for the
     * next run (a write still on its way when the run read the marks, or a collector whose clock is a little ahead).
     */
    static final long MARK_MARGIN = 10 * 60_000L;

    private final InfluxConnection influx;
    private final Lock writeLock;
    private final InfluxProgress progress;
    /** Tells this store's marks from other collectors' made in the same millisecond. */
    private final String writer = java.util.UUID.randomUUID().toString();

    InfluxRollups(InfluxConnection influx, Lock writeLock, InfluxProgress progress) {
        this.influx = influx;
        this.writeLock = writeLock;
        this.progress = progress;
    }

    /** The first moment whose readings are current at {@code now}. */
    static long liveFrom(long now) {
        return InfluxQl.floorHour(now) - (LIVE_HOURS - 1) * HOUR;
    }

    /**
     * Recomputes the roll-ups of the hours from {@code first} to {@code last} (each a series' earliest and latest
     * late reading) from the raw readings; the caller holds the write lock.
     */
    void refresh(Map<SeriesKey, long[]> spans) {
        List<String> statements = new ArrayList<>();
        for (Map.Entry<SeriesKey, long[]> e : spans.entrySet()) {
            statements.add(recompute(e.getKey(), InfluxQl.floorHour(e.getValue()[0]),
                    InfluxQl.floorHour(e.getValue()[1]) + HOUR));
        }
        influx.query(statements);
    }

    /**
     * Adds the mark of a write of raw readings from {@code hour} on, which upkeep may have checked already, to the
     * write's other points.
     */
    void markLate(InfluxLines lines, long hour, long now) {
        lines.measurement(InfluxSchema.LATE).tag("writer", writer).field("hour", hour).time(now);
    }

    /** Whether upkeep may have checked the hour of {@code t} already: those before the last every run leaves alone. */
    static boolean mayBeChecked(long t, long now) {
        return t < checkedUntil(now); // checkedUntil is an hour's start: t is before it exactly when its hour is
    }

    /** Upkeep checks hours before this: every run of the continuous query is done with them. */
    private static long checkedUntil(long now) {
        return InfluxQl.floorHour(now) - (InfluxSchema.CQ_HOURS + 1) * HOUR;
    }

    private static String recompute(SeriesKey key, long from, long to) {
        return "SELECT " + InfluxSchema.ROLLUP_FIELDS + " INTO " + InfluxLayout.CURRENT.rollupSource() + " FROM "
                + InfluxLayout.CURRENT.rawSource() + " WHERE " + InfluxQl.series(key) + " AND "
                + InfluxQl.range(from, to) + " GROUP BY time(1h), *";
    }

    /** Adds a roll-up point for each hour, kind and unit of readings that are past the raw retention. */
    static void addDirect(InfluxLines lines, SeriesKey key, Iterable<Reading> readings) {
        record Group(long hour, String kind, String unit) {
        }
        Map<Group, Bucket> groups = new LinkedHashMap<>();
        for (Reading r : readings) {
            groups.computeIfAbsent(new Group(InfluxQl.floorHour(r.t()), r.kind(), InfluxReadingStore.unit(r)),
                    g -> new Bucket()).add(r.t(), r.value());
        }
        groups.forEach((g, b) -> add(lines, key, g.kind(), g.unit(), b, g.hour()));
    }

    /** One roll-up point, as the continuous query writes it. */
    static void add(InfluxLines lines, SeriesKey key, String kind, String unit, Bucket b, long hour) {
        lines.measurement(InfluxSchema.ROLLUP).tags(key, kind, unit).field("min", b.min()).field("max", b.max())
                .field("sum", b.sum()).field("count", b.count()).field("last", b.last())
                .field("mean", b.sum() / b.count()).time(hour);
    }

    /**
     * Checks the hours from where the last run stopped, or from the earliest late write's mark, up to the last one
     * every run of the continuous query is done with, a day at a time, and recomputes each (series, hour) whose
     * roll-ups do not count its raw readings; then saves how far it checked and removes the marks it has dealt with.
     */
    void reconcile(long now, Supplier<Boolean> stillWanted) {
        List<InfluxRows> marks = influx.query("SELECT min(\"hour\") AS \"hour\" FROM "
                + InfluxQl.identifier(InfluxSchema.FOREVER_RP) + "." + InfluxQl.identifier(InfluxSchema.LATE));
        long from = progress.get().checkedBefore();
        if (!marks.isEmpty() && marks.get(0).size() > 0) {
            from = Math.min(from, InfluxQl.floorHour(marks.get(0).whole(0, "hour")));
        }
        long checked = check(from, now, stillWanted);
        if (checked != progress.get().checkedBefore()) {
            progress.save(s -> s.withCheckedBefore(checked));
        }
        if (checked >= checkedUntil(now)) {
            influx.query("DELETE FROM " + InfluxQl.identifier(InfluxSchema.LATE) + " WHERE time <= "
                    + (now - MARK_MARGIN) + "ms");
        }
    }

    private long check(long from, long now, Supplier<Boolean> stillWanted) {
        long until = checkedUntil(now);
        if (until <= from) {
            return from;
        }
        long start = Math.max(from, firstRaw());
        while (start < until) {
            if (!stillWanted.get()) {
                return start;
            }
            long end = Math.min(start + DAY, until);
            reconcileWindow(start, end);
            start = end;
        }
        return until;
    }

    private long firstRaw() {
        List<InfluxRows> first = influx.query("SELECT first(value) FROM " + InfluxLayout.CURRENT.rawSource());
        return first.isEmpty() ? Long.MAX_VALUE : InfluxQl.floorHour(first.get(0).time(0));
    }

    private record HourKey(SeriesKey key, long hour) {
    }

    /**
     * Compares a window's counts without the write lock (a late write into it meanwhile leaves a mark, and the next
     * run checks it again), then recomputes each series' stale hours, first to last in one statement,
     * holding the lock for {@link #CHUNK} statements at a time, so that writes wait for a chunk, not a window.
     */
    private void reconcileWindow(long start, long end) {
        String where = " WHERE " + InfluxQl.range(start, end) + " GROUP BY time(1h), site, device, sensor fill(none)";
        List<List<InfluxRows>> answers = influx.query(List.of(
                "SELECT count(value) AS \"n\" FROM " + InfluxLayout.CURRENT.rawSource() + where,
                "SELECT sum(\"count\") AS \"n\" FROM " + InfluxLayout.CURRENT.rollupSource() + where));
        Map<HourKey, Long> rolledUp = new HashMap<>();
        for (InfluxRows rows : answers.get(1)) {
            for (int i = 0; i < rows.size(); i++) {
                rolledUp.put(new HourKey(rows.key(), rows.time(i)), rows.whole(i, "n"));
            }
        }
        Map<SeriesKey, long[]> stale = new LinkedHashMap<>();
        for (InfluxRows rows : answers.get(0)) {
            for (int i = 0; i < rows.size(); i++) {
                long hour = rows.time(i);
                if (rows.whole(i, "n") != rolledUp.getOrDefault(new HourKey(rows.key(), hour), 0L)) {
                    stale.merge(rows.key(), new long[] {hour, hour},
                            (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
                }
            }
        }
        List<String> statements = new ArrayList<>();
        stale.forEach((key, hours) -> statements.add(recompute(key, hours[0], hours[1] + HOUR)));
        for (int from = 0; from < statements.size(); from += CHUNK) {
            writeLock.lock();
            try {
                influx.query(statements.subList(from, Math.min(statements.size(), from + CHUNK)));
            } finally {
                writeLock.unlock();
            }
        }
    }
}
