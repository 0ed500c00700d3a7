package coop.steward.collector.store;

import static coop.steward.collector.store.InfluxQl.HOUR;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.Lock;

/**
 * Retention for InfluxDB, with the embedded store's rules: raw readings older than the retention period are
 * folded into hourly roll-ups (measurement {@code reading_1h}, kept for ever) and deleted, and every series is
 * then sealed before that time (measurement {@code raw_retention}, field {@code sealed_before}): a write drops
 * its readings from before the seal, because with the raw copy gone a replay could not be told from a new
 * reading and would be counted twice.
 * <p>
 * An hour is rolled up when its raw readings leave, not before, so queries read raw readings up to then and
 * roll-ups need no refreshing as data arrives. The raw readings of an hour that is not sealed are complete, so a
 * roll-up is always made afresh from them, and the steps roll up, seal, delete can each be repeated after a
 * crash. Maintenance works a day at a time and holds the write lock meanwhile, so that no write slips a reading
 * in between. Collectors sharing a database should leave maintenance to one of them.
 */
final class InfluxRollups {
    private static final long WINDOW = 24 * HOUR;

    private final InfluxConnection influx;
    private final Lock writeLock;
    private final InfluxSeriesState state;
    private final long rawRetentionMs;

    InfluxRollups(InfluxConnection influx, Lock writeLock, InfluxSeriesState state, long rawRetentionMs) {
        this.influx = influx;
        this.writeLock = writeLock;
        this.state = state;
        this.rawRetentionMs = rawRetentionMs;
    }

    void maintain(long now) {
        // Whole hours, so that no hour is ever partly deleted.
        long cutoff = InfluxQl.floorHour(now - rawRetentionMs);
        long from = InfluxQl.MIN_MS;
        while (true) {
            writeLock.lock();
            try {
                List<InfluxRows> first = influx.query("SELECT first(value) FROM reading WHERE "
                        + InfluxQl.range(from, cutoff));
                if (first.isEmpty()) {
                    sealBefore(cutoff);
                    return;
                }
                long start = InfluxQl.floorHour(first.get(0).time(0));
                long end = Math.min(start + WINDOW, cutoff);
                rollUp(start, end);
                sealBefore(end);
                influx.query("DELETE FROM reading WHERE " + InfluxQl.range(start, end));
                from = end;
            } finally {
                writeLock.unlock();
            }
        }
    }

    private record HourKey(SeriesKey key, long hour) {
    }

    /**
     * Aggregates come from one statement over the window. The time of each hour's last reading, which a roll-up
     * keeps so that buckets combine like the embedded store's, needs a statement per hour: InfluxQL reports the
     * bucket's start when it groups by time.
     */
    private void rollUp(long start, long end) {
        List<String> statements = new ArrayList<>();
        statements.add("SELECT min(value) AS \"min\", max(value) AS \"max\", sum(value) AS \"sum\", "
                + "count(value) AS \"count\" FROM reading WHERE " + InfluxQl.range(start, end)
                + " GROUP BY time(1h), site, device, sensor fill(none)");
        for (long hour = start; hour < end; hour += HOUR) {
            statements.add("SELECT last(value) AS \"last\", kind, unit FROM reading WHERE "
                    + InfluxQl.range(hour, hour + HOUR) + " GROUP BY site, device, sensor");
        }
        List<List<InfluxRows>> answers = influx.query(statements);

        Map<HourKey, InfluxRows> aggregates = new HashMap<>();
        Map<HourKey, Integer> rowOf = new HashMap<>();
        for (InfluxRows rows : answers.get(0)) {
            for (int i = 0; i < rows.size(); i++) {
                HourKey key = new HourKey(rows.key(), rows.time(i));
                aggregates.put(key, rows);
                rowOf.put(key, i);
            }
        }
        InfluxLines lines = new InfluxLines();
        for (int h = 1; h < answers.size(); h++) {
            long hour = start + (h - 1) * HOUR;
            for (InfluxRows last : answers.get(h)) {
                HourKey key = new HourKey(last.key(), hour);
                InfluxRows a = aggregates.get(key);
                if (a == null) {
                    throw new StoreException("readings of " + key.key() + " changed while their hour "
                            + Instant.ofEpochMilli(hour) + " was rolled up; nothing was deleted, and the next "
                            + "maintenance tries again", null);
                }
                int i = rowOf.get(key);
                lines.measurement("reading_1h").tags(key.key())
                        .field("min", a.number(i, "min")).field("max", a.number(i, "max"))
                        .field("sum", a.number(i, "sum")).field("count", a.whole(i, "count"))
                        .field("last", last.number(0, "last")).field("last_t", last.time(0));
                if (last.has(0, "kind")) {
                    lines.field("kind", last.text(0, "kind"));
                }
                if (last.has(0, "unit")) {
                    lines.field("unit", last.text(0, "unit"));
                }
                lines.time(hour);
            }
        }
        influx.write(lines);
    }

    /** Seals every series there is, raw or rolled up, before {@code t}; a seal never moves back. */
    private void sealBefore(long t) {
        List<List<InfluxRows>> answers = influx.query(List.of(
                "SELECT last(value) FROM reading GROUP BY site, device, sensor",
                "SELECT last(\"count\") FROM reading_1h GROUP BY site, device, sensor",
                "SELECT sealed_before FROM raw_retention GROUP BY site, device, sensor"));
        for (InfluxRows rows : answers.get(2)) {
            state.seal(rows.key(), rows.whole(0, "sealed_before"));
        }
        Set<SeriesKey> series = new HashSet<>();
        answers.get(0).forEach(rows -> series.add(rows.key()));
        answers.get(1).forEach(rows -> series.add(rows.key()));
        InfluxLines lines = new InfluxLines();
        List<SeriesKey> sealed = new ArrayList<>();
        for (SeriesKey key : series) {
            if (state.sealedBefore(key) < t) {
                lines.measurement("raw_retention").tags(key).field("sealed_before", t).time(0);
                sealed.add(key);
            }
        }
        influx.write(lines);
        sealed.forEach(key -> state.seal(key, t));
    }
}
