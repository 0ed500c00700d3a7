package coop.steward.collector.store;

import java.util.List;
import java.util.Optional;

/**
 * Where readings live. Every method blocks: call it from a worker, never from an event loop. Writes are
 * idempotent on a reading's identity (site, device, sensor, t): the first copy is kept.
 */
public interface ReadingStore extends AutoCloseable {
    /**
     * Stores every reading and status; returns how many readings were new. The readings are durable when it returns:
     * the collector acknowledges them then. One that throws may have stored some of them (InfluxDB's requests, the
     * embedded store's two files), and writing them again stores the rest, each reading once. Statuses may wait in memory a while (the embedded store
     * keeps them until its next write to its table): the broker keeps each device's last status, retained.
     */
    long write(List<DeviceReadings> readings, List<DeviceStatus> statuses);

    /**
     * The most readings one write should take under load: the collector's transactions take up to this many (and no
     * more than its settings allow). Each store's figure is the best of the sizes bin/bench has tried on it
     * (docs/reliability.md).
     */
    int readingsPerWrite();

    /**
     * Builds the write of these readings and statuses while the one before them is still being stored, to be sent
     * once that one has ended well; empty when this store builds none ahead, or when the readings need what only
     * a finished write can tell (InfluxDB: readings that may be stored already, or of hours past): {@link #write}
     * them after the one before. Sent and finished, it promises what {@link #write} does.
     */
    default Optional<Prepared> prepare(List<DeviceReadings> readings, List<DeviceStatus> statuses) {
        return Optional.empty();
    }

    /** A write built by {@link #prepare}; dropped, it leaves nothing behind. */
    interface Prepared {
        /** Sends it and returns at once. Only after every write before it has been stored. */
        Pending send();
    }

    /** A write on its way. */
    interface Pending {
        /** Waits until it is stored and returns how many readings were new; throws as {@link #write} does. */
        long finish();
    }

    SeriesData query(SeriesQuery query);

    List<SensorSummary> sensors();

    List<DeviceStatus> devices();

    /** Keeps derived data current and drops raw readings past their retention; run periodically. */
    void maintain(long now);

    /**
     * The writer has nothing more waiting: finishes what writes put off while more followed (InfluxDB: the roll-ups of
     * late readings' hours), so that a burst costs that work once. Nothing is lost if it never runs.
     */
    default void settle() {
    }

    /** Throws {@link StoreException} with the reason when the store cannot be used. */
    void ping();

    @Override
    void close();
}
