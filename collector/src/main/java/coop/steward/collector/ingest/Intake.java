package coop.steward.collector.ingest;

import coop.steward.collector.presence.DeviceHealth;
import coop.steward.collector.store.DeviceStatus;
import coop.steward.protocol.Channel;
import coop.steward.protocol.DecodedReadings;
import coop.steward.protocol.DeviceTopic;
import coop.steward.protocol.ProtocolJson;
import coop.steward.protocol.ReadingsDecoder;
import coop.steward.protocol.ReadingsMessage;
import coop.steward.protocol.Reason;
import coop.steward.protocol.Rejection;
import coop.steward.protocol.StatusMessage;
import coop.steward.protocol.Topics;
import java.util.List;

/**
 * Reads one MQTT message into what the store takes: a readings message's valid readings, or a device's status.
 * Whatever is wrong with it is recorded in the rejection log. Never throws.
 */
final class Intake {
    private final ReadingsDecoder decoder;
    private final RejectionLog rejections;

    Intake(ReadingsDecoder decoder, RejectionLog rejections) {
        this.decoder = decoder;
        this.rejections = rejections;
    }

    Delivery read(BrokerLink.Message message, long now) {
        String topic = message.topic();
        // What the delivery holds while it waits: its decoded readings, never more than the contract's largest
        // payload (a bigger one is rejected without being decoded, and its bytes are let go at once).
        int bytes = Math.min(message.payload().length, ReadingsMessage.MAX_BYTES);
        try {
            DeviceTopic parsed = Topics.parse(topic).orElse(null);
            if (parsed != null && parsed.channel() == Channel.STATUS) {
                StatusMessage status = status(topic, parsed, message.payload(), now);
                if (status == null) {
                    return new Delivery(topic, message.ack(), bytes, now, null, null, null);
                }
                // The status's own time, not arrival: the broker re-sends retained statuses on every reconnect.
                // A Last Will has no time and leaves last-seen as it was.
                Long seen = status.t() == null ? null : Math.min(status.t(), now);
                return new Delivery(topic, message.ack(), bytes, now, null, new DeviceStatus(parsed.site(),
                        parsed.device(), status.state(), seen, status.outbox()), DeviceHealth.of(status));
            }
            DecodedReadings decoded = decoder.decode(topic, message.payload());
            if (!decoded.rejections().isEmpty()) {
                rejections.record(now, topic, decoded.rejections());
            }
            return new Delivery(topic, message.ack(), bytes, now, decoded, null, null);
        } catch (RuntimeException | StackOverflowError e) {
            // A bug of ours, not the sender's: still acknowledged, so that it can never stop ingest.
            rejections.record(now, topic, List.of(new Rejection(Reason.INTERNAL_ERROR, "the collector could not "
                    + "handle this message (" + e + "); it was acknowledged and dropped. Please report it")));
            return new Delivery(topic, message.ack(), bytes, now, null, null, null);
        }
    }

    /** Overload: a QoS 0 message, which the sender accepted might be lost, arrived while the store is far behind. */
    void shed(BrokerLink.Message message, long now, int pending) {
        rejections.record(now, message.topic(), List.of(new Rejection(Reason.OVERLOADED, pending
                + " messages are waiting for the store, so this QoS 0 message was dropped: publish readings with "
                + "QoS 1, which the collector never drops")));
    }

    /** The status message, or null when it is empty (a cleared retained topic) or rejected. */
    private StatusMessage status(String topic, DeviceTopic parsed, byte[] payload, long now) {
        if (payload.length == 0) {
            return null; // an empty retained message clears the topic; it says nothing about the device
        }
        if (!parsed.hasValidIds()) {
            rejections.record(now, topic, List.of(new Rejection(Reason.BAD_TOPIC, "topic '" + topic
                    + "' has a site or device id that is not valid")));
            return null;
        }
        try {
            return ProtocolJson.decodeStatus(payload);
        } catch (IllegalArgumentException e) {
            rejections.record(now, topic, List.of(new Rejection(Reason.BAD_STATUS, e.getMessage())));
            return null;
        }
    }
}
