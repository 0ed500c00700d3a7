package coop.steward.collector.store;

import static coop.steward.collector.store.InfluxQl.HOUR;

import coop.steward.protocol.Reading;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * One batch of readings into InfluxDB, keeping the first copy of each identity and counting only new readings, as
 * the embedded store does (InfluxDB itself would silently keep the last copy). Each reading goes where its time
 * sends it:
 * <ul>
 * <li>into {@code raw}; a reading that may be stored already (not after its series' latest,
 * {@link InfluxSeriesState}) is looked up first, and one too late for the continuous query is left for upkeep to
 * roll up, with a mark when upkeep may have passed its hour ({@link InfluxRollups#markLate}), or rolled up before the
 * write returns when it is near the raw retention's edge ({@link InfluxRollups#refresh});
 * <li>older than the raw retention (which InfluxDB would refuse), straight into its hour's roll-up
 * ({@link InfluxRollups#addDirect});
 * <li>while the layout before is being moved ({@link InfluxMigration}), older than what has been moved: into the
 * layout before, where the migration will find it.
 * </ul>
 * A reading whose hour is summarised and whose raw readings are gone is dropped: it could not be told from a
 * replay. The caller holds the store's write lock.
 */
final class InfluxWrites {
    private final InfluxConnection influx;
    private final InfluxSeriesState series;
    private final InfluxDevices devices;
    private final InfluxRollups rollups;
    private final InfluxMigration migration;
    private final long rawRetentionMs;
    private final Clock clock;
    /** The latest reading of each series in the write on its way ({@link #send}), if any. */
    private final Map<SeriesKey, Long> onItsWay = new HashMap<>();
    /** Late readings' hours written since the writer last settled, by series: their first and last reading. */
    private final Map<SeriesKey, long[]> unsettled = new LinkedHashMap<>();

    InfluxWrites(InfluxConnection influx, InfluxSeriesState series, InfluxDevices devices, InfluxRollups rollups,
                 InfluxMigration migration, long rawRetentionMs, Clock clock) {
        this.influx = influx;
        this.series = series;
        this.devices = devices;
        this.rollups = rollups;
        this.migration = migration;
        this.rawRetentionMs = rawRetentionMs;
        this.clock = clock;
    }

    /** The readings grouped by series, first copy of each time kept; returns how many were new. */
    long write(Map<SeriesKey, TreeMap<Long, Reading>> bySeries, List<DeviceReadings> batches,
               List<DeviceStatus> statuses) {
        long now = clock.millis();
        // An hour to spare, so that InfluxDB, whose clock may differ, never finds a raw reading past its policy.
        long rawFrom = InfluxQl.ceilHour(now - rawRetentionMs) + HOUR;
        long moved = migration.unmigratedBefore();
        Map<SeriesKey, NavigableMap<Long, Reading>> before = new LinkedHashMap<>();
        Map<SeriesKey, NavigableMap<Long, Reading>> direct = new LinkedHashMap<>();
        Map<SeriesKey, NavigableMap<Long, Reading>> raw = new LinkedHashMap<>();
        for (Map.Entry<SeriesKey, TreeMap<Long, Reading>> e : bySeries.entrySet()) {
            if (e.getValue().firstKey() >= Math.max(moved, rawFrom)) {
                // The usual case, all of it current: taken as it is, since copying it into three parts cost a live
                // collector's writer more than building its line protocol.
                raw.put(e.getKey(), e.getValue());
                continue;
            }
            put(before, e.getKey(), e.getValue().headMap(moved, false));
            NavigableMap<Long, Reading> rest = new TreeMap<>(e.getValue().tailMap(moved, true));
            put(direct, e.getKey(), rest.headMap(rawFrom, false));
            put(raw, e.getKey(), rest.tailMap(rawFrom, true));
        }
        InfluxLines rawLines = new InfluxLines();
        InfluxLines beforeLines = new InfluxLines();
        InfluxLines foreverLines = new InfluxLines();
        long added = addRaw(rawLines, InfluxLayout.CURRENT, raw);
        if (!before.isEmpty()) {
            added += addRaw(beforeLines, migration.layoutBefore(), before);
        }
        added += addDirect(foreverLines, direct);
        InfluxDevices.Pending seen = devices.addTo(foreverLines, batches, statuses);
        long earliest = raw.values().stream().mapToLong(NavigableMap::firstKey).min().orElse(Long.MAX_VALUE);
        if (InfluxRollups.mayBeChecked(earliest, now)) {
            rollups.markLate(foreverLines, InfluxQl.floorHour(earliest), now);
        }

        // All side by side, where forever (devices' last contact, a late mark, roll-ups past the raw retention) was a
        // round trip after the raw readings: a mark that lands before the readings it points at is still there for
        // upkeep's next run (InfluxRollups.MARK_MARGIN), and nothing is acknowledged before all of them are stored.
        List<InfluxConnection.Lines> requests = new ArrayList<>(3);
        requests.add(new InfluxConnection.Lines(InfluxSchema.FOREVER_RP, foreverLines));
        requests.add(new InfluxConnection.Lines(InfluxSchema.RAW_RP, rawLines));
        if (!before.isEmpty()) {
            requests.add(new InfluxConnection.Lines(migration.layoutBefore().retentionPolicy(), beforeLines));
        }
        influx.write(requests);
        refreshNearTheEdge(raw, InfluxRollups.liveFrom(now), rawFrom + InfluxRollups.EDGE);
        raw.forEach((key, readings) -> series.wrote(key, readings.lastKey()));
        before.forEach((key, readings) -> series.wrote(key, readings.lastKey()));
        devices.committed(seen);
        return added;
    }

    /**
     * Builds the write of a batch while the one before it is on its way, when every reading is current (this hour's or
     * the one before, so that no mark or roll-up is due) and after its series' latest, counting the readings on
     * their way: then none can be stored already, and nothing needs asking InfluxDB. Null for any other batch, which
     * {@link #write} takes once the one before is stored. One writer: nothing else is written while one is on its way.
     */
    Prepared prepare(List<DeviceReadings> batches, List<DeviceStatus> statuses) {
        long now = clock.millis();
        long from = Math.max(Math.max(InfluxRollups.liveFrom(now), migration.unmigratedBefore()),
                InfluxQl.ceilHour(now - rawRetentionMs) + HOUR);
        // Before grouping: a replay's batch, refused here, is grouped again by write.
        for (DeviceReadings batch : batches) {
            for (Reading r : batch.readings()) {
                if (r.t() < from) {
                    return null;
                }
            }
        }
        Map<SeriesKey, TreeMap<Long, Reading>> bySeries = InfluxReadingStore.bySeries(batches);
        for (Map.Entry<SeriesKey, TreeMap<Long, Reading>> e : bySeries.entrySet()) {
            if (e.getValue().firstKey() <= Math.max(series.latest(e.getKey()),
                    onItsWay.getOrDefault(e.getKey(), Long.MIN_VALUE))) {
                return null;
            }
        }
        InfluxLines rawLines = new InfluxLines();
        long added = addNew(rawLines, bySeries);
        InfluxLines foreverLines = new InfluxLines();
        InfluxDevices.Pending seen = devices.addTo(foreverLines, batches, statuses);
        return new Prepared(bySeries, rawLines, foreverLines, seen, added);
    }

    /** A batch of current readings, built; sent after every write before it. */
    record Prepared(Map<SeriesKey, TreeMap<Long, Reading>> bySeries, InfluxLines rawLines, InfluxLines foreverLines,
                    InfluxDevices.Pending seen, long added) {
    }

    /**
     * Sends a prepared write; its readings' times stay on their way until {@link #sent} says how it ended. Its devices'
     * last contact is taken as written at once: it only keeps a later write's from going back, and a failed write is
     * written again.
     */
    InfluxConnection.Sent send(Prepared prepared) {
        InfluxConnection.Sent sent = influx.send(List.of(
                new InfluxConnection.Lines(InfluxSchema.FOREVER_RP, prepared.foreverLines()),
                new InfluxConnection.Lines(InfluxSchema.RAW_RP, prepared.rawLines())));
        onItsWay.clear();
        prepared.bySeries().forEach((key, readings) -> onItsWay.put(key, readings.lastKey()));
        devices.committed(prepared.seen());
        return sent;
    }

    /**
     * A sent write ended: stored, its readings are its series' latest; failed, they are not, and written again by
     * {@link #write} they count as new, whatever the failed write left in InfluxDB (points of the same identity
     * replace each other).
     */
    void sent(Prepared prepared, boolean stored) {
        onItsWay.clear();
        if (stored) {
            prepared.bySeries().forEach((key, readings) -> series.wrote(key, readings.lastKey()));
        }
    }

    /** Adds every reading as a raw point of the current layout; returns how many. */
    private static long addNew(InfluxLines lines, Map<SeriesKey, TreeMap<Long, Reading>> readings) {
        long added = 0;
        for (Map.Entry<SeriesKey, TreeMap<Long, Reading>> e : readings.entrySet()) {
            added += addSeries(lines, InfluxLayout.CURRENT, e.getKey(), e.getValue().values(), Set.of());
        }
        return added;
    }

    /** A copy, not a view: a view of a view refuses keys outside its own range. */
    private static void put(Map<SeriesKey, NavigableMap<Long, Reading>> into, SeriesKey key,
                            NavigableMap<Long, Reading> readings) {
        if (!readings.isEmpty()) {
            into.put(key, new TreeMap<>(readings));
        }
    }

    /**
     * Adds the readings not stored yet as raw points of the layout. Readings that may be stored are those not after
     * their series' latest: only they are looked up, with their hours.
     */
    private long addRaw(InfluxLines lines, InfluxLayout layout, Map<SeriesKey, NavigableMap<Long, Reading>> readings) {
        Map<SeriesKey, NavigableMap<Long, Reading>> maybeStored = new LinkedHashMap<>();
        for (Map.Entry<SeriesKey, NavigableMap<Long, Reading>> e : readings.entrySet()) {
            put(maybeStored, e.getKey(), e.getValue().headMap(series.latest(e.getKey()), true));
        }
        Map<SeriesKey, Set<Long>> stored = InfluxStoredTimes.find(influx, layout, maybeStored);
        dropWhere(readings, InfluxHourCounts.find(influx, layout, maybeStored), InfluxHourCounts.Counts::closed);
        long added = 0;
        for (Map.Entry<SeriesKey, NavigableMap<Long, Reading>> e : readings.entrySet()) {
            added += addSeries(lines, layout, e.getKey(), e.getValue().values(),
                    stored.getOrDefault(e.getKey(), Set.of()));
        }
        return added;
    }

    /** Adds a series' readings but those stored already; returns how many it added. */
    private static long addSeries(InfluxLines lines, InfluxLayout layout, SeriesKey key, Iterable<Reading> readings,
                                  Set<Long> storedTimes) {
        long added = 0;
        // A series' readings nearly always share their kind and unit: its tags are escaped once for all of them.
        String kind = null;
        String unit = null;
        String series = null;
        boolean noneStored = storedTimes.isEmpty(); // the usual case: then no time is boxed to be looked up
        for (Reading r : readings) {
            if (noneStored || !storedTimes.contains(r.t())) {
                String readingUnit = InfluxReadingStore.unit(r);
                if (series == null || !r.kind().equals(kind) || !readingUnit.equals(unit)) {
                    kind = r.kind();
                    unit = readingUnit;
                    series = InfluxLines.seriesOf(InfluxSchema.READING, key, kind, unit);
                }
                layout.addReading(lines, series, key, kind, unit, r.value(), r.t());
                added++;
            }
        }
        return added;
    }

    /** Readings past the raw retention, into roll-ups of hours that have none yet. */
    private long addDirect(InfluxLines lines, Map<SeriesKey, NavigableMap<Long, Reading>> readings) {
        dropWhere(readings, InfluxHourCounts.find(influx, InfluxLayout.CURRENT, readings), c -> c.rolledUp() > 0);
        long added = 0;
        for (Map.Entry<SeriesKey, NavigableMap<Long, Reading>> e : readings.entrySet()) {
            InfluxRollups.addDirect(lines, e.getKey(), e.getValue().values());
            added += e.getValue().size();
        }
        return added;
    }

    /** Leaves out the readings whose hour's counts match, and the series left with none. */
    private static void dropWhere(Map<SeriesKey, NavigableMap<Long, Reading>> readings,
                                  Map<SeriesKey, Map<Long, InfluxHourCounts.Counts>> counts,
                                  Predicate<InfluxHourCounts.Counts> refused) {
        counts.forEach((key, hours) -> {
            NavigableMap<Long, Reading> kept = new TreeMap<>(readings.get(key));
            kept.keySet().removeIf(t -> {
                InfluxHourCounts.Counts c = hours.get(InfluxQl.floorHour(t));
                return c != null && refused.test(c);
            });
            readings.put(key, kept);
        });
        readings.values().removeIf(Map::isEmpty);
    }

    /**
     * Recomputes at once the hours of late readings older than {@code soonGone}, which InfluxDB may drop before
     * upkeep comes to them, and notes the others' for {@link #settle}; for replays as well as new readings: a replay
     * is what comes after a write that stored its readings but died before this step.
     */
    private void refreshNearTheEdge(Map<SeriesKey, NavigableMap<Long, Reading>> raw, long liveFrom, long soonGone) {
        Map<SeriesKey, long[]> spans = new LinkedHashMap<>();
        for (Map.Entry<SeriesKey, NavigableMap<Long, Reading>> e : raw.entrySet()) {
            NavigableMap<Long, Reading> late = e.getValue().headMap(liveFrom, false);
            if (late.isEmpty()) {
                continue;
            }
            NavigableMap<Long, Reading> edge = late.headMap(soonGone, false);
            if (!edge.isEmpty()) {
                spans.put(e.getKey(), new long[] {edge.firstKey(), edge.lastKey()});
            }
            // Only the rest waits for settle: the edge's hours are recomputed below, and were recomputed twice.
            NavigableMap<Long, Reading> rest = late.tailMap(soonGone, true);
            if (!rest.isEmpty()) {
                unsettled.merge(e.getKey(), new long[] {rest.firstKey(), rest.lastKey()},
                        (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
            }
        }
        if (!spans.isEmpty()) {
            rollups.refresh(spans);
        }
    }

    /**
     * Recomputes the roll-ups of the late readings' hours written since the last call, once for a whole burst (a
     * replay's messages, each recomputing the same hour again, cost it most of its time); the caller holds the write
     * lock. A collector that dies first leaves them to upkeep, which the writes' marks point to.
     */
    void settle() {
        if (!unsettled.isEmpty()) {
            rollups.refresh(unsettled);
            unsettled.clear();
        }
    }
}
