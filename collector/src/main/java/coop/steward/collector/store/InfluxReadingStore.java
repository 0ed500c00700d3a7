package coop.steward.collector.store;

import coop.steward.protocol.Kind;
import coop.steward.protocol.Reading;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The store at scale: an InfluxDB 1.x database over its v1 HTTP API (line protocol writes, InfluxQL queries;
 * tested with 1.6). Measurements, all in the database's default retention policy, which must keep data for
 * ever because Steward drops raw readings itself once they are rolled up:
 * <ul>
 * <li>{@code reading}, tags site, device, sensor, fields value, kind, unit: one point per reading at its time in
 * milliseconds, so InfluxDB's point identity is the reading's identity;
 * <li>{@code reading_1h}: hourly roll-ups of readings past raw retention ({@link InfluxRollups});
 * <li>{@code raw_retention}: per series, the time before which retention sealed it ({@link InfluxRollups});
 * <li>{@code device}: presence ({@link InfluxDevices}).
 * </ul>
 * Grafana can read the same measurements.
 */
public final class InfluxReadingStore implements ReadingStore {
    private final InfluxConnection influx;
    /** Writes take turns with each other and with maintenance, and guard the writer's state below. */
    private final ReentrantLock writeLock = new ReentrantLock();
    private final InfluxSeriesState series;
    private final InfluxDevices devices;
    private final InfluxRollups rollups;

    private InfluxReadingStore(InfluxConnection influx, Duration rawRetention) {
        this.influx = influx;
        this.series = InfluxSeriesState.load(influx);
        this.devices = InfluxDevices.load(influx);
        this.rollups = new InfluxRollups(influx, writeLock, series, rawRetention.toMillis());
    }

    /**
     * Connects, creating the database when it is missing; raw readings older than {@code rawRetention} are
     * dropped by {@link #maintain}, hourly roll-ups are kept for ever.
     */
    public static InfluxReadingStore open(InfluxSettings settings, Duration rawRetention) {
        InfluxConnection influx = InfluxConnection.connect(settings);
        try {
            prepare(influx, settings);
            return new InfluxReadingStore(influx, rawRetention);
        } catch (RuntimeException e) {
            influx.close();
            throw e;
        }
    }

    private static void prepare(InfluxConnection influx, InfluxSettings settings) {
        String database = InfluxQl.identifier(settings.database());
        boolean exists = false;
        for (InfluxRows rows : influx.query("SHOW DATABASES")) {
            for (int i = 0; i < rows.size(); i++) {
                exists |= settings.database().equals(rows.text(i, "name"));
            }
        }
        if (!exists) {
            influx.query("CREATE DATABASE " + database);
        }
        for (InfluxRows rows : influx.query("SHOW RETENTION POLICIES ON " + database)) {
            for (int i = 0; i < rows.size(); i++) {
                String duration = rows.text(i, "duration");
                if ("true".equals(rows.text(i, "default")) && !"0s".equals(duration)) {
                    throw new StoreException("The default retention policy \"" + rows.text(i, "name")
                            + "\" of database " + settings.database() + " at " + settings.url() + " keeps data for "
                            + duration + ", but Steward drops raw readings itself and keeps hourly roll-ups for "
                            + "ever: make the policy keep data for ever (ALTER RETENTION POLICY \""
                            + rows.text(i, "name") + "\" ON " + database + " DURATION INF) or give Steward a "
                            + "database of its own", null);
                }
            }
        }
    }

    /**
     * Keeps the first copy of an identity and counts only new readings, as the embedded store does. InfluxDB
     * itself would silently keep the last copy, so readings that may be stored already (not after their series'
     * latest, {@link InfluxSeriesState}) are looked up and left out of the write when found. Readings from before
     * their series' seal are dropped ({@link InfluxRollups}). Everything else goes in one write request.
     */
    @Override
    public long write(List<DeviceReadings> batches, List<DeviceStatus> statuses) {
        if (batches.isEmpty() && statuses.isEmpty()) {
            return 0;
        }
        Map<SeriesKey, TreeMap<Long, Reading>> bySeries = new LinkedHashMap<>();
        for (DeviceReadings batch : batches) {
            for (Reading r : batch.readings()) {
                // putIfAbsent: the first copy within the batch too.
                bySeries.computeIfAbsent(new SeriesKey(batch.site(), batch.device(), r.sensor()),
                        k -> new TreeMap<>()).putIfAbsent(r.t(), r);
            }
        }
        writeLock.lock();
        try {
            Map<SeriesKey, NavigableMap<Long, Reading>> kept = new LinkedHashMap<>();
            Map<SeriesKey, NavigableMap<Long, Reading>> maybeStored = new LinkedHashMap<>();
            for (Map.Entry<SeriesKey, TreeMap<Long, Reading>> e : bySeries.entrySet()) {
                NavigableMap<Long, Reading> unsealed = e.getValue().tailMap(series.sealedBefore(e.getKey()), true);
                if (unsealed.isEmpty()) {
                    continue;
                }
                kept.put(e.getKey(), unsealed);
                long latest = series.latest(e.getKey());
                if (latest >= unsealed.firstKey()) {
                    maybeStored.put(e.getKey(), unsealed.headMap(latest, true));
                }
            }
            Map<SeriesKey, Set<Long>> stored = maybeStored.isEmpty() ? Map.of()
                    : InfluxStoredTimes.find(influx, maybeStored);

            InfluxLines lines = new InfluxLines();
            long added = addNew(lines, kept, stored);
            InfluxDevices.Pending seen = devices.addTo(lines, batches, statuses);
            influx.write(lines);
            kept.forEach((key, readings) -> series.wrote(key, readings.lastKey()));
            devices.committed(seen);
            return added;
        } finally {
            writeLock.unlock();
        }
    }

    private static long addNew(InfluxLines lines, Map<SeriesKey, NavigableMap<Long, Reading>> readings,
                               Map<SeriesKey, Set<Long>> stored) {
        long added = 0;
        for (Map.Entry<SeriesKey, NavigableMap<Long, Reading>> e : readings.entrySet()) {
            Set<Long> storedTimes = stored.getOrDefault(e.getKey(), Set.of());
            for (Reading r : e.getValue().values()) {
                if (!storedTimes.contains(r.t())) {
                    lines.measurement("reading").tags(e.getKey()).field("value", r.value())
                            .field("kind", r.kind()).field("unit", unit(r)).time(r.t());
                    added++;
                }
            }
        }
        return added;
    }

    private static String unit(Reading r) {
        String unit = r.unit() != null ? r.unit() : Kind.lookup(r.kind()).map(Kind::unit).orElse("");
        return unit == null ? "" : unit;
    }

    @Override
    public SeriesData query(SeriesQuery query) {
        return InfluxSeriesQuery.answer(influx, query);
    }

    /** Series with raw readings show their latest; series known only from roll-ups show no latest point. */
    @Override
    public List<SensorSummary> sensors() {
        List<List<InfluxRows>> answers = influx.query(List.of(
                "SELECT last(value), kind, unit FROM reading GROUP BY site, device, sensor",
                "SELECT last(\"last\"), kind, unit FROM reading_1h GROUP BY site, device, sensor"));
        Map<SeriesKey, SensorSummary> sensors = new TreeMap<>(Comparator.comparing(SeriesKey::site)
                .thenComparing(SeriesKey::device).thenComparing(SeriesKey::sensor));
        for (InfluxRows rows : answers.get(0)) {
            sensors.put(rows.key(), new SensorSummary(rows.key(), rows.text(0, "kind"), rows.text(0, "unit"),
                    new Point(rows.time(0), rows.number(0, "last"))));
        }
        for (InfluxRows rows : answers.get(1)) {
            sensors.putIfAbsent(rows.key(), new SensorSummary(rows.key(), rows.text(0, "kind"), rows.text(0, "unit"),
                    null));
        }
        return new ArrayList<>(sensors.values());
    }

    @Override
    public List<DeviceStatus> devices() {
        return InfluxDevices.read(influx);
    }

    @Override
    public void maintain(long now) {
        rollups.maintain(now);
    }

    @Override
    public void ping() {
        influx.ping();
    }

    @Override
    public void close() {
        influx.close();
    }
}
