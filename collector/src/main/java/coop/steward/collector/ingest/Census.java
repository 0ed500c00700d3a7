package coop.steward.collector.ingest;

import coop.steward.collector.config.Limits;
import coop.steward.collector.store.DeviceStatus;
import coop.steward.collector.store.SensorSummary;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The devices and series the collector keeps, within its {@link Limits}. It starts with what the store holds and
 * admits new ones while there is room. Everything the collector remembers per device or per series (presence, health,
 * seq marks, the store's rows and caches, the alert rules' state) is made only for what this admits, so a client that
 * invents ids by the million cannot grow any of it. Nothing is ever let go: the store keeps a series' roll-ups for
 * ever. Confined to the ingest context, apart from the counts.
 */
final class Census {
    /** Why a new series was refused; null from {@link #admitSeries} when it may be stored. */
    enum Full { DEVICES, SERIES, DEVICE_SENSORS }

    private record Device(String site, String device) {
    }

    private final Limits limits;
    private final Map<Device, Set<String>> sensors = new HashMap<>();
    /** Read by the metrics too. */
    private volatile int series;
    private volatile int devices;

    Census(Limits limits) {
        this.limits = limits;
    }

    /** What the store holds, known whatever the limits say: its readings keep being stored. */
    static Census of(Limits limits, List<DeviceStatus> storedDevices, List<SensorSummary> storedSeries) {
        Census census = new Census(limits);
        for (DeviceStatus d : storedDevices) {
            census.device(new Device(d.site(), d.device()));
        }
        for (SensorSummary s : storedSeries) {
            if (census.device(new Device(s.key().site(), s.key().device())).add(s.key().sensor())) {
                census.series++;
            }
        }
        return census;
    }

    Limits limits() {
        return limits;
    }

    boolean knows(String site, String device) {
        return sensors.containsKey(new Device(site, device));
    }

    /** Whether the device is known or now admitted (a status of its own); false when it is new and there is no room. */
    boolean admitDevice(String site, String device) {
        Device key = new Device(site, device);
        if (sensors.containsKey(key)) {
            return true;
        }
        if (devices >= limits.maxDevices()) {
            return false;
        }
        device(key);
        return true;
    }

    /**
     * The sensors kept of a device, empty when it is not kept: a message's readings are looked up in it, where looking
     * each up from its site and device cost a tenth of the event loop. Live: it shows what is admitted meanwhile.
     */
    Set<String> sensorsOf(String site, String device) {
        Set<String> known = sensors.get(new Device(site, device));
        return known == null ? Set.of() : Collections.unmodifiableSet(known);
    }

    /**
     * Null when readings of this series may be stored: it is known, or now admitted (with its device, when that is
     * new). Otherwise which limit it would pass.
     */
    Full admitSeries(String site, String device, String sensor) {
        Device key = new Device(site, device);
        Set<String> known = sensors.get(key);
        if (known != null && known.contains(sensor)) {
            return null;
        }
        if (known == null && devices >= limits.maxDevices()) {
            return Full.DEVICES;
        }
        if (series >= limits.maxSeries()) {
            return Full.SERIES;
        }
        if (known != null && known.size() >= limits.maxSensorsPerDevice()) {
            return Full.DEVICE_SENSORS;
        }
        device(key).add(sensor);
        series++;
        return null;
    }

    int devices() {
        return devices;
    }

    int series() {
        return series;
    }

    private Set<String> device(Device key) {
        Set<String> known = sensors.get(key);
        if (known == null) {
            known = new HashSet<>(4);
            sensors.put(key, known);
            devices++;
        }
        return known;
    }
}
