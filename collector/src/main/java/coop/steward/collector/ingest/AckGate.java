package coop.steward.collector.ingest;

import coop.steward.collector.store.DeviceReadings;
import io.vertx.core.Future;
import java.util.List;

/**
 * Told about the readings of a committed batch before they are acknowledged: the broker's and the agents'
 * acknowledgements wait for the future it returns, and a failed one leaves them unacknowledged, to be sent again.
 * Called on the ingest context; return at once.
 */
@FunctionalInterface
public interface AckGate {
    AckGate NONE = readings -> Future.succeededFuture();

    Future<Void> beforeAck(List<DeviceReadings> committed);
}
