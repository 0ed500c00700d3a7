package coop.steward.collector.ingest;

import coop.steward.collector.presence.DeviceHealth;
import coop.steward.collector.store.DeviceStatus;
import coop.steward.protocol.DecodedReadings;

/**
 * One MQTT message on its way to the store. At most one of {@code readings} and {@code status} is set (neither for
 * a message that is ignored); {@code health} is what a status with a time said about the device. {@code ack}
 * confirms it to the broker once it is committed; {@code bytes} is its payload's size.
 */
record Delivery(String topic, BrokerLink.Ack ack, int bytes, long receivedAt, DecodedReadings readings,
                DeviceStatus status, DeviceHealth health) {
    int readingCount() {
        return readings == null ? 0 : readings.readings().size();
    }
}
