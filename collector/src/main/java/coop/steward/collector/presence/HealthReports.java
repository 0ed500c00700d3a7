package coop.steward.collector.presence;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each device's latest health, from the status messages received since the collector started: kept in memory
 * only, because the broker hands every device's retained status to the collector again whenever it connects.
 */
public final class HealthReports {
    private record Device(String site, String device) {
    }

    private final Map<Device, DeviceHealth> latest = new ConcurrentHashMap<>();

    /** Keeps the report with the latest status time: a retained status handed out again is not newer. */
    public void reported(String site, String device, DeviceHealth health) {
        latest.merge(new Device(site, device), health, (old, now) -> now.t() >= old.t() ? now : old);
    }

    /** Null until the device's first status with a time arrives. */
    public DeviceHealth latest(String site, String device) {
        return latest.get(new Device(site, device));
    }
}
