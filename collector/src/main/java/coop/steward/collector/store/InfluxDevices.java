package coop.steward.collector.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The device registry, measurement {@code device} in retention policy {@code forever}: one point per device at time 0, with fields {@code state}
 * and {@code last_seen}. A write overwrites the fields it carries and InfluxDB keeps the others, so the state is
 * the last one written, as in the embedded store. InfluxDB cannot keep the latest of two last_seen values, so
 * the writer does, from the values it loaded at open and wrote since (guarded by the store's write lock); with
 * several collectors on one database, last_seen is the last one written.
 */
final class InfluxDevices {
    private record DeviceKey(String site, String device) {
    }

    private static final class Update {
        String state;
        Long lastSeen;

        void seen(Long at) {
            if (at != null && (lastSeen == null || at > lastSeen)) {
                lastSeen = at;
            }
        }
    }

    /** The device points of one write, to be recorded once the write succeeded. */
    static final class Pending {
        private final Map<DeviceKey, Long> lastSeen = new HashMap<>();
    }

    private final Map<DeviceKey, Long> lastSeen = new HashMap<>();

    static InfluxDevices load(InfluxConnection influx) {
        InfluxDevices devices = new InfluxDevices();
        for (DeviceStatus status : read(influx)) {
            if (status.lastSeen() != null) {
                devices.lastSeen.put(new DeviceKey(status.site(), status.device()), status.lastSeen());
            }
        }
        return devices;
    }

    /** Adds a point for each device that the readings or statuses touch. */
    Pending addTo(InfluxLines lines, List<DeviceReadings> batches, List<DeviceStatus> statuses) {
        Map<DeviceKey, Update> updates = new LinkedHashMap<>();
        for (DeviceReadings batch : batches) {
            updates.computeIfAbsent(new DeviceKey(batch.site(), batch.device()), k -> new Update())
                    .seen(batch.receivedAt());
        }
        for (DeviceStatus status : statuses) {
            Update update = updates.computeIfAbsent(new DeviceKey(status.site(), status.device()), k -> new Update());
            update.state = status.state();
            update.seen(status.lastSeen());
        }
        Pending pending = new Pending();
        for (Map.Entry<DeviceKey, Update> e : updates.entrySet()) {
            Update update = e.getValue();
            update.seen(lastSeen.get(e.getKey()));
            if (update.state == null && update.lastSeen == null) {
                continue;
            }
            lines.measurement(InfluxSchema.DEVICE).tag("device", e.getKey().device()).tag("site", e.getKey().site());
            if (update.state != null) {
                lines.field("state", update.state);
            }
            if (update.lastSeen != null) {
                lines.field("last_seen", update.lastSeen);
                pending.lastSeen.put(e.getKey(), update.lastSeen);
            }
            lines.time(0);
        }
        return pending;
    }

    void committed(Pending pending) {
        lastSeen.putAll(pending.lastSeen);
    }

    static List<DeviceStatus> read(InfluxConnection influx) {
        return read(influx, InfluxQl.identifier(InfluxSchema.FOREVER_RP));
    }

    /** The registry in a retention policy (an identifier). */
    static List<DeviceStatus> read(InfluxConnection influx, String retentionPolicy) {
        List<DeviceStatus> devices = new ArrayList<>();
        for (InfluxRows rows : influx.query("SELECT state, last_seen FROM " + retentionPolicy + "."
                + InfluxQl.identifier(InfluxSchema.DEVICE) + " GROUP BY site, device")) {
            for (int i = 0; i < rows.size(); i++) {
                String state = rows.text(i, "state");
                devices.add(new DeviceStatus(rows.tag("site"), rows.tag("device"),
                        state == null ? DeviceStatus.UNKNOWN : state,
                        rows.has(i, "last_seen") ? rows.whole(i, "last_seen") : null));
            }
        }
        devices.sort(Comparator.comparing(DeviceStatus::site).thenComparing(DeviceStatus::device));
        return devices;
    }
}
