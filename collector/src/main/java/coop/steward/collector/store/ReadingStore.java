package coop.steward.collector.store;

import java.util.List;

/**
 * Where readings live. Every method blocks: call it from a worker, never from an event loop. Writes are
 * idempotent on a reading's identity (site, device, sensor, t): the first copy is kept.
 */
public interface ReadingStore extends AutoCloseable {
    /** Commits every reading and status in one transaction; returns how many readings were new. */
    long write(List<DeviceReadings> readings, List<DeviceStatus> statuses);

    SeriesData query(SeriesQuery query);

    List<SensorSummary> sensors();

    List<DeviceStatus> devices();

    /** Keeps derived data current and drops raw readings past their retention; run periodically. */
    void maintain(long now);

    /** Throws {@link StoreException} with the reason when the store cannot be used. */
    void ping();

    @Override
    void close();
}
