package coop.steward.collector.forward;

import coop.steward.collector.config.Sharing;
import coop.steward.collector.store.DeviceReadings;
import coop.steward.collector.store.DeviceStatus;
import coop.steward.collector.store.ReadingStore;
import coop.steward.collector.store.SensorSummary;
import coop.steward.collector.store.SeriesData;
import coop.steward.collector.store.SeriesQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The site's store, which also puts what the site shares into the {@link ForwardLog} before a write returns, and so
 * before the readings are acknowledged to their agents. A crash between the two leaves the readings unacknowledged:
 * their agents (or the broker) send them again, the store keeps its first copy, and this time they reach the log.
 * So every reading a site acknowledged and shares is in the log until its hub confirms it. A replay is appended again;
 * the hub keeps one copy, as every store does.
 */
public final class SharedStore implements ReadingStore {
    private final ReadingStore store;
    private final ForwardLog log;
    private final Supplier<Sharing> sharing;

    /** @param sharing what the site shares now; it may change while the collector runs */
    public SharedStore(ReadingStore store, ForwardLog log, Supplier<Sharing> sharing) {
        this.store = store;
        this.log = log;
        this.sharing = sharing;
    }

    @Override
    public long write(List<DeviceReadings> readings, List<DeviceStatus> statuses) {
        long inserted = store.write(readings, statuses);
        Sharing now = sharing.get();
        List<DeviceReadings> shared = new ArrayList<>(readings.size());
        for (DeviceReadings r : readings) {
            if (now.readingsOf(r.site(), r.device())) {
                shared.add(r);
            }
        }
        if (!shared.isEmpty()) {
            log.append(shared);
        }
        return inserted;
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
        try {
            store.close();
        } finally {
            log.close();
        }
    }
}
