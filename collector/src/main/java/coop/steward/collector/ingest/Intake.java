package coop.steward.collector.ingest;

import coop.steward.collector.hub.HubSites;
import coop.steward.collector.presence.DeviceHealth;
import coop.steward.collector.store.DeviceStatus;
import coop.steward.protocol.Channel;
import coop.steward.protocol.DecodedReadings;
import coop.steward.protocol.DeviceTopic;
import coop.steward.protocol.Ids;
import coop.steward.protocol.ProtocolJson;
import coop.steward.protocol.Reading;
import coop.steward.protocol.ReadingsDecoder;
import coop.steward.protocol.ReadingsMessage;
import coop.steward.protocol.Reason;
import coop.steward.protocol.Rejection;
import coop.steward.protocol.StatusMessage;
import coop.steward.protocol.Topics;
import coop.steward.protocol.Untrusted;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads one MQTT message into what the store takes: a readings message's valid readings, or a device's status,
 * within the devices and series the {@link Census} admits. Whatever is wrong with it is recorded in the rejection
 * log. Never throws.
 */
final class Intake {
    /**
     * The largest status taken: Steward's agent sends a few hundred bytes, a few KiB with every sensor failing. A
     * device's latest status is kept in memory, for every device.
     */
    static final int MAX_STATUS_BYTES = 16 * 1024;

    private final ReadingsDecoder decoder;
    private final RejectionLog rejections;
    private final Census census;
    private final HubSites hub;

    /** @param hub where the reports of sites forwarding to this collector go; null when it is not a hub */
    Intake(ReadingsDecoder decoder, RejectionLog rejections, Census census, HubSites hub) {
        this.decoder = decoder;
        this.rejections = rejections;
        this.census = census;
        this.hub = hub;
    }

    Delivery read(BrokerLink.Message message, long now) {
        String topic = message.topic();
        // What the delivery holds while it waits: its decoded readings, never more than the contract's largest
        // payload (a bigger one is rejected without being decoded, and its bytes are let go at once).
        int bytes = Math.min(message.payload().length, ReadingsMessage.MAX_BYTES);
        try {
            String reporting = hub == null ? null : Topics.forwardReportSite(topic).orElse(null);
            if (reporting != null) {
                forwardReport(topic, reporting, message.payload(), now);
                return new Delivery(topic, message.ack(), bytes, now, null, null, null);
            }
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
            DecodedReadings decoded = withinLimits(decoder.decode(topic, message.payload()));
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

    /**
     * The readings of series the census admits; the others are rejected, and all of them when the device is new and
     * there is no room for it. Readings of series already known are always kept.
     */
    private DecodedReadings withinLimits(DecodedReadings decoded) {
        if (decoded.readings().isEmpty()) {
            return decoded;
        }
        String site = decoded.site();
        String device = decoded.device();
        Set<String> known = census.sensorsOf(site, device);
        if (allKnown(decoded.readings(), known)) {
            return decoded; // as nearly every message: no copy of its readings
        }
        List<Reading> kept = new ArrayList<>(decoded.readings().size());
        List<Rejection> refused = new ArrayList<>(decoded.rejections());
        for (Reading r : decoded.readings()) {
            Census.Full full = known.contains(r.sensor()) ? null : census.admitSeries(site, device, r.sensor());
            if (full == null) {
                kept.add(r);
            } else if (full == Census.Full.DEVICES) {
                refused.add(new Rejection(Reason.TOO_MANY_DEVICES, tooManyDevices(site, device)));
                return new DecodedReadings(site, device, decoded.seq(), List.of(), refused);
            } else {
                refused.add(new Rejection(Reason.TOO_MANY_SERIES, tooManySeries(site, device, r.sensor(), full)));
            }
        }
        return kept.size() == decoded.readings().size() ? decoded
                : new DecodedReadings(site, device, decoded.seq(), kept, refused);
    }

    private static boolean allKnown(List<Reading> readings, Set<String> known) {
        for (Reading r : readings) {
            if (!known.contains(r.sensor())) {
                return false;
            }
        }
        return true;
    }

    private String tooManyDevices(String site, String device) {
        return site + "/" + device + " is a new device, but the collector already keeps "
                + census.limits().maxDevices() + " devices, its limit (store.maxDevices in its config); what the "
                + "devices it knows send is still taken";
    }

    private String tooManySeries(String site, String device, String sensor, Census.Full full) {
        String series = site + "/" + device + "/" + sensor + " is a new series, but ";
        return full == Census.Full.SERIES
                ? series + "the collector already keeps " + census.limits().maxSeries() + " series, its limit "
                + "(store.maxSeries in its config); readings of series it knows are still stored"
                : series + "its device already has " + census.limits().maxSensorsPerDevice() + " series, the limit "
                + "per device (store.maxSensorsPerDevice in the collector's config); its other readings are still "
                + "stored";
    }

    /** A site's report of what it forwards to this hub: kept in memory, for the hub's views. */
    private void forwardReport(String topic, String site, byte[] payload, long now) {
        if (payload.length == 0) {
            return; // a cleared retained topic
        }
        String problem = null;
        Reason reason = Reason.BAD_STATUS;
        if (!Ids.isValid(site)) {
            reason = Reason.BAD_TOPIC;
            problem = "topic '" + Untrusted.topic(topic) + "' has a site id that is not valid";
        } else if (payload.length > MAX_STATUS_BYTES) {
            reason = Reason.TOO_LARGE;
            problem = "forward report is " + payload.length + " bytes; the limit is " + MAX_STATUS_BYTES + " bytes";
        } else {
            try {
                if (!hub.reported(site, ProtocolJson.decodeForwardReport(payload), now)) {
                    reason = Reason.TOO_MANY_DEVICES;
                    problem = "the hub keeps the reports of " + HubSites.MAX_SITES + " sites at most, and has as "
                            + "many; this site's report was dropped";
                }
            } catch (IllegalArgumentException e) {
                problem = e.getMessage();
            }
        }
        if (problem != null) {
            rejections.record(now, topic, List.of(new Rejection(reason, problem)));
        }
    }

    /** The status message, or null when it is empty (a cleared retained topic) or rejected. */
    private StatusMessage status(String topic, DeviceTopic parsed, byte[] payload, long now) {
        if (payload.length == 0) {
            return null; // an empty retained message clears the topic; it says nothing about the device
        }
        if (!parsed.hasValidIds()) {
            rejections.record(now, topic, List.of(new Rejection(Reason.BAD_TOPIC, "topic '"
                    + Untrusted.topic(topic) + "' has a site or device id that is not valid")));
            return null;
        }
        if (payload.length > MAX_STATUS_BYTES) {
            rejections.record(now, topic, List.of(new Rejection(Reason.TOO_LARGE, "status is " + payload.length
                    + " bytes; the limit for a status is " + MAX_STATUS_BYTES + " bytes: send the fields of the "
                    + "contract, with short texts")));
            return null;
        }
        StatusMessage status;
        try {
            status = ProtocolJson.decodeStatus(payload);
        } catch (IllegalArgumentException e) {
            rejections.record(now, topic, List.of(new Rejection(Reason.BAD_STATUS, e.getMessage())));
            return null;
        }
        if (!census.admitDevice(parsed.site(), parsed.device())) {
            rejections.record(now, topic, List.of(new Rejection(Reason.TOO_MANY_DEVICES,
                    tooManyDevices(parsed.site(), parsed.device()))));
            return null;
        }
        return status;
    }
}
