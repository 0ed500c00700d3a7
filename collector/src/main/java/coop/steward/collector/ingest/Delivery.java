package coop.steward.collector.ingest;

import coop.steward.collector.store.DeviceStatus;
import coop.steward.protocol.DecodedReadings;

/**
 * One MQTT message on its way to the store. Exactly one of {@code readings} and {@code status} is set
 * (neither for a message that is rejected whole or ignored). {@code session} tells which broker connection it
 * came on: an MQTT message id is only meaningful on the connection that delivered it.
 */
record Delivery(String topic, int messageId, int qos, long session, long receivedAt,
                DecodedReadings readings, DeviceStatus status) {
    int readingCount() {
        return readings == null ? 0 : readings.readings().size();
    }
}
