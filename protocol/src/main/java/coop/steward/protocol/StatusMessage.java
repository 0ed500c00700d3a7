package coop.steward.protocol;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * The retained payload of {@code .../status}; the Last Will carries only {@code v} and {@code state}.
 *
 * @param dropped       readings the agent dropped, oldest first, because its outbox was full (since it was created)
 * @param uncorrectable readings the agent kept out because they were taken before its clock was set, in a boot
 *                      that ended before it was: their time cannot be known
 * @param clockSynced   whether the device's clock is set (NTP); while it is not, readings wait on the device
 * @param faults        sensor id to why its latest sample was a fault (and not sent); left out when none is
 * @param config        the SHA-256 (lower-case hex) of the device config the agent runs, the same hash its
 *                      {@code config/ack} reports ({@link ConfigAck#hashOf}); left out when not known
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record StatusMessage(int v, String state, Long t, String agent, Long outbox,
                            @JsonProperty("uptime_s") Long uptimeS, Long dropped, Long uncorrectable,
                            @JsonProperty("clock_synced") Boolean clockSynced, Map<String, String> faults,
                            String config) {
    public static final String ONLINE = "online";
    public static final String OFFLINE = "offline";

    public static StatusMessage online(long t, String agent, long outbox, long uptimeS) {
        return new StatusMessage(1, ONLINE, t, agent, outbox, uptimeS, null, null, null, null, null);
    }

    public static StatusMessage online(long t, String agent, long outbox, long uptimeS, long dropped,
                                       long uncorrectable, boolean clockSynced) {
        return new StatusMessage(1, ONLINE, t, agent, outbox, uptimeS, dropped, uncorrectable, clockSynced, null,
                null);
    }

    public static StatusMessage lastWill() {
        return new StatusMessage(1, OFFLINE, null, null, null, null, null, null, null, null, null);
    }

    /** This status with the sensors that are failing now; null or empty for none. */
    public StatusMessage withFaults(Map<String, String> faults) {
        Map<String, String> sensors = faults == null || faults.isEmpty() ? null : Map.copyOf(faults);
        return new StatusMessage(v, state, t, agent, outbox, uptimeS, dropped, uncorrectable, clockSynced, sensors,
                config);
    }

    /** This status with the hash of the config the agent runs; null when it is not known. */
    public StatusMessage withConfig(String hash) {
        return new StatusMessage(v, state, t, agent, outbox, uptimeS, dropped, uncorrectable, clockSynced, faults,
                hash);
    }
}
