package coop.steward.collector.ingest;

import coop.steward.collector.store.DeviceStatus;
import coop.steward.protocol.DecodedReadings;
import java.util.List;

/**
 * Told about every batch once it is committed to the store: the valid readings of each stored message (possibly
 * replays: storage is idempotent, this is not) and the statuses, in the order they arrived. Called on a Vert.x
 * context that is not the listener's own: hop onto yours and return at once.
 */
@FunctionalInterface
public interface CommitListener {
    CommitListener NONE = (readings, statuses) -> {
    };

    void committed(List<DecodedReadings> readings, List<DeviceStatus> statuses);
}
