package coop.steward.collector.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the embedded store has heard of devices and not yet written to its {@code device} table: when each was last
 * seen in a message, and the state its last status gave. They go to the table with the next write of raw readings
 * to it; a {@link #snapshot} shows them on top of the table meanwhile. Kept in memory only: a device's presence is not a
 * reading, the broker keeps each device's last status (retained) and gives it again when the collector subscribes,
 * and the next message from a device says it is there.
 */
final class PendingDevices {
    private record Key(String site, String device) {
    }

    /** Last seen times from readings, and statuses, by device; a status' state wins over none. */
    private final Map<Key, Long> seen = new ConcurrentHashMap<>();
    private final Map<Key, DeviceStatus> statuses = new ConcurrentHashMap<>();

    void heard(List<DeviceReadings> batches, List<DeviceStatus> updates) {
        for (DeviceReadings batch : batches) {
            seen.merge(new Key(batch.site(), batch.device()), batch.receivedAt(), Math::max);
        }
        for (DeviceStatus status : updates) {
            statuses.merge(new Key(status.site(), status.device()), status, PendingDevices::later);
        }
    }

    /** The newer status' state, and the later of the two last-seen times. */
    private static DeviceStatus later(DeviceStatus before, DeviceStatus after) {
        return new DeviceStatus(after.site(), after.device(), after.state(), max(before.lastSeen(), after.lastSeen()));
    }

    private static Long max(Long a, Long b) {
        return a == null ? b : b == null ? a : Long.valueOf(Math.max(a, b));
    }

    boolean isEmpty() {
        return seen.isEmpty() && statuses.isEmpty();
    }

    /** They are in the table now. */
    void clear() {
        seen.clear();
        statuses.clear();
    }

    /**
     * A copy of what is pending, to lay over the table read after it: a write that moves it into the table in
     * between is then seen twice, which changes nothing, rather than not at all.
     */
    Snapshot snapshot() {
        return new Snapshot(Map.copyOf(seen), Map.copyOf(statuses));
    }

    /** What a snapshot held is in the table now: each is forgotten here, unless it changed since. */
    void written(Snapshot written) {
        written.seen().forEach(seen::remove);
        written.statuses().forEach(statuses::remove);
    }

    /** What was pending at one moment. */
    record Snapshot(Map<Key, Long> seen, Map<Key, DeviceStatus> statuses) {
        /** Last seen times to write, as readings without readings. */
        List<DeviceReadings> seenToWrite() {
            List<DeviceReadings> heard = new ArrayList<>();
            seen.forEach((key, at) -> heard.add(new DeviceReadings(key.site(), key.device(), List.of(), at)));
            return heard;
        }

        List<DeviceStatus> statusesToWrite() {
            return new ArrayList<>(statuses.values());
        }

        /** The table's devices as they are once these are written, by site and device. */
        List<DeviceStatus> over(List<DeviceStatus> stored) {
            Map<Key, DeviceStatus> devices = new TreeMap<>(Comparator.comparing(Key::site).thenComparing(Key::device));
            for (DeviceStatus d : stored) {
                devices.put(new Key(d.site(), d.device()), d);
            }
            statuses.forEach((key, status) -> devices.merge(key, status, (table, update) ->
                    new DeviceStatus(key.site(), key.device(), update.state(), max(table.lastSeen(), update.lastSeen()))));
            seen.forEach((key, at) -> devices.merge(key, new DeviceStatus(key.site(), key.device(),
                    DeviceStatus.UNKNOWN, at), (table, update) ->
                    new DeviceStatus(key.site(), key.device(), table.state(), max(table.lastSeen(), at))));
            return new ArrayList<>(devices.values());
        }
    }
}
