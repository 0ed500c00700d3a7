package coop.steward.collector.hub;

import coop.steward.collector.store.DeviceStatus;
import coop.steward.protocol.DecodedReadings;
import coop.steward.protocol.Reading;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * What one hub collector committed of a site that another owns, sent to the owner's alerts on
 * {@code steward/hub/v1/{group}/relay/{owner}}: readings of one device, or statuses. Internal to a hub group: no
 * tool outside Steward reads it, and a message that is not one is ignored.
 */
record Relay(String site, List<DecodedReadings> readings, List<DeviceStatus> statuses) {
    /** Readings per message: far below any broker's size limit, however long the sensors' names. */
    static final int MOST_READINGS = 500;

    /** One message per device and up to {@link #MOST_READINGS} readings, and one for the statuses. */
    List<byte[]> encode() {
        List<byte[]> messages = new ArrayList<>();
        for (DecodedReadings part : readings) {
            List<Reading> all = part.readings();
            for (int from = 0; from < all.size(); from += MOST_READINGS) {
                JsonArray list = new JsonArray();
                for (Reading r : all.subList(from, Math.min(all.size(), from + MOST_READINGS))) {
                    list.add(new JsonArray().add(r.sensor()).add(r.kind()).add(r.t()).add(r.value()).add(r.unit()));
                }
                messages.add(new JsonObject().put("site", site).put("device", part.device()).put("readings", list)
                        .toBuffer().getBytes());
            }
        }
        if (!statuses.isEmpty()) {
            JsonArray list = new JsonArray();
            for (DeviceStatus s : statuses) {
                list.add(new JsonArray().add(s.device()).add(s.state()).add(s.lastSeen()).add(s.outbox()));
            }
            messages.add(new JsonObject().put("site", site).put("statuses", list).toBuffer().getBytes());
        }
        return messages;
    }

    /** Null when the payload is not a relay. */
    static Relay decode(byte[] payload) {
        try {
            JsonObject json = new JsonObject(io.vertx.core.buffer.Buffer.buffer(payload));
            String site = json.getString("site");
            if (site == null) {
                return null;
            }
            List<DecodedReadings> readings = new ArrayList<>();
            JsonArray list = json.getJsonArray("readings");
            if (list != null) {
                List<Reading> of = new ArrayList<>();
                for (Object o : list) {
                    JsonArray r = (JsonArray) o;
                    of.add(new Reading(r.getString(0), r.getString(1), r.getLong(2), r.getDouble(3), r.getString(4)));
                }
                readings.add(new DecodedReadings(site, json.getString("device"), OptionalLong.empty(), of, List.of()));
            }
            List<DeviceStatus> statuses = new ArrayList<>();
            JsonArray states = json.getJsonArray("statuses");
            if (states != null) {
                for (Object o : states) {
                    JsonArray s = (JsonArray) o;
                    statuses.add(new DeviceStatus(site, s.getString(0), s.getString(1), s.getLong(2), s.getLong(3)));
                }
            }
            return new Relay(site, readings, statuses);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
