package coop.steward.collector.presence;

import coop.steward.protocol.StatusMessage;
import java.util.Map;

/**
 * How a device said it is doing in its latest status message: agent version, uptime, its outbox, readings it
 * dropped or could not time, whether its clock is set, failing sensors (empty when none), the hash of the config
 * it runs, and the status's own time {@code t}. Fields the status left out are null.
 */
public record DeviceHealth(String agent, Long uptimeS, Long outbox, Long dropped, Long uncorrectable,
                           Boolean clockSynced, Map<String, String> faults, String config, long t) {
    public DeviceHealth {
        faults = faults == null ? Map.of() : Map.copyOf(faults);
    }

    /** The health an online status tells; null for a Last Will, which says nothing but offline (and has no t). */
    public static DeviceHealth of(StatusMessage status) {
        if (status.t() == null) {
            return null;
        }
        return new DeviceHealth(status.agent(), status.uptimeS(), status.outbox(), status.dropped(),
                status.uncorrectable(), status.clockSynced(), status.faults(), status.config(), status.t());
    }
}
