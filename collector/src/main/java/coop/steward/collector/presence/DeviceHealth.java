package coop.steward.collector.presence;

import coop.steward.protocol.StatusMessage;
import coop.steward.protocol.Untrusted;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * How a device said it is doing in its latest status message: agent version, uptime, its outbox, readings it
 * dropped or could not time, whether its clock is set, failing sensors (empty when none), the hash of the config
 * it runs, and the status's own time {@code t}. Fields the status left out are null.
 */
public record DeviceHealth(String agent, Long uptimeS, Long outbox, Long dropped, Long uncorrectable,
                           Boolean clockSynced, Map<String, String> faults, String config, long t) {
    /** A version such as {@code 0.1.0}. */
    static final int AGENT_CHARS = 64;
    /** A SHA-256 is 64 hex digits; room for a longer hash of someone else's agent. */
    static final int CONFIG_CHARS = 128;
    /** Sensor ids are at most 64 characters. */
    static final int SENSOR_CHARS = 64;
    /** Steward's agent says why in well under 200 characters. */
    static final int REASON_CHARS = 200;
    /**
     * All the faults kept of one device, sensor ids and reasons together: one health is kept per device, for every
     * device, so what one may hold is bounded. Some 25 failing sensors at full length.
     */
    static final int FAULTS_CHARS = 4_096;

    public DeviceHealth {
        faults = faults == null ? Map.of() : Map.copyOf(faults);
    }

    /**
     * The health an online status tells; null for a Last Will, which says nothing but offline (and has no t). Its
     * texts are the device's own words, so they are escaped and cut as any client's are; faults are kept in sensor
     * order until {@link #FAULTS_CHARS}, and the rest left out.
     */
    public static DeviceHealth of(StatusMessage status) {
        if (status.t() == null) {
            return null;
        }
        return new DeviceHealth(Untrusted.cut(status.agent(), AGENT_CHARS), status.uptimeS(), status.outbox(),
                status.dropped(), status.uncorrectable(), status.clockSynced(), faults(status.faults()),
                Untrusted.cut(status.config(), CONFIG_CHARS), status.t());
    }

    private static Map<String, String> faults(Map<String, String> sent) {
        if (sent == null || sent.isEmpty()) {
            return Map.of();
        }
        Map<String, String> kept = new LinkedHashMap<>();
        int chars = 0;
        for (Map.Entry<String, String> fault : new TreeMap<>(sent).entrySet()) {
            String sensor = Untrusted.cut(fault.getKey(), SENSOR_CHARS);
            String reason = fault.getValue() == null ? "" : Untrusted.cut(fault.getValue(), REASON_CHARS);
            chars += sensor.length() + reason.length();
            if (chars > FAULTS_CHARS) {
                break;
            }
            kept.put(sensor, reason);
        }
        return kept;
    }
}
