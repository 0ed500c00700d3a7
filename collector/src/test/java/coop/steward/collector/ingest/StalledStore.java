package coop.steward.collector.ingest;

import coop.steward.collector.store.DeviceReadings;
import coop.steward.collector.store.DeviceStatus;
import coop.steward.collector.store.ReadingStore;
import coop.steward.collector.store.SensorSummary;
import coop.steward.collector.store.SeriesData;
import coop.steward.collector.store.SeriesQuery;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * The embedded store, with writes held until a latch opens; it suits transactions of {@code readingsPerWrite}, and
 * counts the readings of each write in {@code writes}.
 */
record StalledStore(ReadingStore store, CountDownLatch moves, int readingsPerWrite, List<Integer> writes)
        implements ReadingStore {
    StalledStore(ReadingStore store, CountDownLatch moves) {
        this(store, moves, store.readingsPerWrite());
    }

    StalledStore(ReadingStore store, CountDownLatch moves, int readingsPerWrite) {
        this(store, moves, readingsPerWrite, new CopyOnWriteArrayList<>());
    }

    @Override
    public long write(List<DeviceReadings> readings, List<DeviceStatus> statuses) {
        try {
            moves.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (!readings.isEmpty()) {
            writes.add(readings.stream().mapToInt(r -> r.readings().size()).sum());
        }
        return store.write(readings, statuses);
    }

    @Override
    public SeriesData query(SeriesQuery query) {
        return store.query(query);
    }

    @Override
    public List<SensorSummary> sensors() {
        return store.sensors();
    }

    @Override
    public List<DeviceStatus> devices() {
        return store.devices();
    }

    @Override
    public void maintain(long now) {
        store.maintain(now);
    }

    @Override
    public void ping() {
        store.ping();
    }

    @Override
    public void close() {
        store.close();
    }
}
