package coop.steward.collector.store;

import static coop.steward.collector.store.InfluxQl.HOUR;

import coop.steward.protocol.Kind;
import coop.steward.protocol.Reading;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The store at scale: an InfluxDB 1.x database over its v1 HTTP API (line protocol writes, InfluxQL queries;
 * tested with 1.6), in the layout people query from Grafana ({@link InfluxSchema}): raw readings in retention
 * policy {@code raw}, which InfluxDB empties after the raw retention, and hourly roll-ups in {@code forever},
 * made by a continuous query and, for what it cannot cover, by Steward ({@link InfluxRollups}). A database written
 * by Steward before this layout is moved over in the background ({@link InfluxMigration}) and read meanwhile.
 */
public final class InfluxReadingStore implements ReadingStore {
    /**
     * {@link #readingsPerWrite}: ten requests of 5,000 points ({@link InfluxConnection}). In bin/bench's InfluxDB
     * ingest, 100,000 instead made the collector slower: 315,292 readings a second against 367,357 in a run beside it
     * (docs/reliability.md).
     */
    public static final int READINGS_PER_WRITE = 50_000;
    private final InfluxConnection influx;
    /** Writes take turns with each other, with the migration and with upkeep, and guard the writer's state. */
    private final ReentrantLock writeLock = new ReentrantLock();
    private final InfluxMigration migration;
    private final InfluxRollups rollups;
    private final InfluxWrites writes;
    private volatile boolean closed;

    private InfluxReadingStore(InfluxConnection influx, InfluxProgress progress, Duration rawRetention, Clock clock) {
        this.influx = influx;
        this.migration = new InfluxMigration(influx, writeLock, progress, rawRetention);
        this.rollups = new InfluxRollups(influx, writeLock, progress);
        this.writes = new InfluxWrites(influx, InfluxSeriesState.load(influx, migration.layouts()),
                InfluxDevices.load(influx), rollups, migration, rawRetention.toMillis(), clock);
    }

    /**
     * Connects, creating the database, its retention policies and its continuous query when they are missing; raw
     * readings are kept for {@code rawRetention}, hourly roll-ups for ever.
     */
    public static InfluxReadingStore open(InfluxSettings settings, Duration rawRetention) {
        return open(settings, rawRetention, Clock.systemUTC());
    }

    static InfluxReadingStore open(InfluxSettings settings, Duration rawRetention, Clock clock) {
        InfluxConnection influx = InfluxConnection.connect(settings);
        try {
            InfluxSchema.prepareDatabase(influx);
            InfluxState state = InfluxState.load(influx);
            if (state == null) {
                state = firstState(influx, clock.millis());
            }
            InfluxSchema.prepareRollups(influx, rawRetention);
            return new InfluxReadingStore(influx, new InfluxProgress(influx, state), rawRetention, clock);
        } catch (RuntimeException e) {
            influx.close();
            throw e;
        }
    }

    /**
     * The first start of this layout on a database: finds data of the layout before and copies its devices, then
     * saves where to start, so that a restart resumes rather than starting again. Roll-ups are checked from a little
     * before now: older hours are rolled up by the migration, or had nothing.
     */
    private static InfluxState firstState(InfluxConnection influx, long now) {
        String before = InfluxMigration.findLayoutBefore(influx);
        long boundary = InfluxQl.MIN_MS;
        if (before != null) {
            InfluxMigration.copyDevices(influx, before);
            boundary = InfluxMigration.firstBoundary(influx, before);
        }
        InfluxState state = new InfluxState(before, boundary,
                InfluxQl.floorHour(now) - (InfluxSchema.CQ_HOURS + 1) * HOUR);
        state.save(influx);
        return state;
    }

    @Override
    public int readingsPerWrite() {
        return READINGS_PER_WRITE;
    }

    @Override
    public long write(List<DeviceReadings> batches, List<DeviceStatus> statuses) {
        if (batches.isEmpty() && statuses.isEmpty()) {
            return 0;
        }
        Map<SeriesKey, TreeMap<Long, Reading>> bySeries = bySeries(batches);
        writeLock.lock();
        try {
            return writes.write(bySeries, batches, statuses);
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Current readings only, each after its series' latest: a live site's usual batch, built while the one before
     * is stored (InfluxDB's answer to a write is most of its time).
     */
    @Override
    public Optional<Prepared> prepare(List<DeviceReadings> batches, List<DeviceStatus> statuses) {
        if (batches.isEmpty()) {
            return Optional.empty();
        }
        InfluxWrites.Prepared prepared;
        writeLock.lock();
        try {
            prepared = writes.prepare(batches, statuses);
        } finally {
            writeLock.unlock();
        }
        if (prepared == null) {
            return Optional.empty();
        }
        return Optional.of(() -> {
            InfluxConnection.Sent sent;
            writeLock.lock();
            try {
                sent = writes.send(prepared);
            } finally {
                writeLock.unlock();
            }
            return () -> {
                boolean stored = false;
                try {
                    sent.await();
                    stored = true;
                    return prepared.added();
                } finally {
                    writeLock.lock();
                    try {
                        writes.sent(prepared, stored);
                    } finally {
                        writeLock.unlock();
                    }
                }
            };
        });
    }

    static Map<SeriesKey, TreeMap<Long, Reading>> bySeries(List<DeviceReadings> batches) {
        Map<SeriesKey, TreeMap<Long, Reading>> bySeries = new LinkedHashMap<>();
        for (DeviceReadings batch : batches) {
            // A message's readings repeat a few sensors: each series is found once per message, not per reading.
            Map<String, TreeMap<Long, Reading>> ofDevice = new HashMap<>();
            for (Reading r : batch.readings()) {
                TreeMap<Long, Reading> series = ofDevice.get(r.sensor());
                if (series == null) {
                    series = bySeries.computeIfAbsent(new SeriesKey(batch.site(), batch.device(), r.sensor()),
                            k -> new TreeMap<>());
                    ofDevice.put(r.sensor(), series);
                }
                series.putIfAbsent(r.t(), r); // the first copy within the batch too
            }
        }
        return bySeries;
    }

    /** The reading's unit, or its kind's when it gave none; the empty unit for a user's kind without one. */
    static String unit(Reading r) {
        String unit = r.unit() != null ? r.unit() : Kind.lookup(r.kind()).map(Kind::unit).orElse("");
        return unit == null ? "" : unit;
    }

    @Override
    public SeriesData query(SeriesQuery query) {
        return InfluxSeriesQuery.answer(influx, query, migration.layouts(),
                migration.pieces(InfluxQl.clamp(query.from()), InfluxQl.clamp(query.to())));
    }

    /** Series with raw readings show their latest; series known only from roll-ups show no latest point. */
    @Override
    public List<SensorSummary> sensors() {
        List<InfluxLayout> layouts = migration.layouts();
        List<String> statements = new ArrayList<>();
        for (InfluxLayout layout : layouts) {
            statements.add("SELECT last(value), kind, unit FROM " + layout.rawSource()
                    + " GROUP BY site, device, sensor");
            statements.add("SELECT last(\"last\"), kind, unit FROM " + layout.rollupSource()
                    + " GROUP BY site, device, sensor");
        }
        List<List<InfluxRows>> answers = influx.query(statements);
        Map<SeriesKey, SensorSummary> sensors = new TreeMap<>(Comparator.comparing(SeriesKey::site)
                .thenComparing(SeriesKey::device).thenComparing(SeriesKey::sensor));
        for (int l = 0; l < layouts.size(); l++) {
            for (InfluxRows rows : answers.get(2 * l)) {
                SensorSummary latest = sensors.get(rows.key());
                if (latest == null || latest.last().t() < rows.time(0)) {
                    sensors.put(rows.key(), new SensorSummary(rows.key(), rows.text(0, "kind"),
                            layouts.get(l).unit(rows.text(0, "unit")), new Point(rows.time(0), rows.number(0, "last"))));
                }
            }
        }
        for (int l = 0; l < layouts.size(); l++) {
            for (InfluxRows rows : answers.get(2 * l + 1)) {
                sensors.putIfAbsent(rows.key(), new SensorSummary(rows.key(), rows.text(0, "kind"),
                        layouts.get(l).unit(rows.text(0, "unit")), null));
            }
        }
        return new ArrayList<>(sensors.values());
    }

    @Override
    public List<DeviceStatus> devices() {
        return InfluxDevices.read(influx);
    }

    /**
     * Moves what is left of the layout before, then checks the roll-ups of the hours the continuous query is done
     * with and of late readings' hours. Stops early when the store is closed; the next call goes on where this one
     * stopped.
     */
    @Override
    public void maintain(long now) {
        migration.run(now, () -> !closed);
        rollups.reconcile(now, () -> !closed);
    }

    @Override
    public void settle() {
        writeLock.lock();
        try {
            writes.settle();
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public void ping() {
        influx.ping();
    }

    @Override
    public void close() {
        closed = true;
        influx.close();
    }
}
