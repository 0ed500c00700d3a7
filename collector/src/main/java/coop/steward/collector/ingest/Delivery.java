package coop.steward.collector.ingest;

import coop.steward.collector.store.DeviceStatus;
import coop.steward.protocol.DecodedReadings;

/**
 * One MQTT message on its way to the store. At most one of {@code readings} and {@code status} is set (neither for
 * a message that is ignored). {@code ack} confirms it to the broker once it is committed.
 */
record Delivery(String topic, BrokerLink.Ack ack, long receivedAt, DecodedReadings readings, DeviceStatus status) {
    int readingCount() {
        return readings == null ? 0 : readings.readings().size();
    }
}
