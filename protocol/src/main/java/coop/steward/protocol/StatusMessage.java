package coop.steward.protocol;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The retained payload of {@code .../status}; the Last Will carries only {@code v} and {@code state}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record StatusMessage(int v, String state, Long t, String agent, Long outbox,
                            @JsonProperty("uptime_s") Long uptimeS) {
    public static final String ONLINE = "online";
    public static final String OFFLINE = "offline";

    public static StatusMessage online(long t, String agent, long outbox, long uptimeS) {
        return new StatusMessage(1, ONLINE, t, agent, outbox, uptimeS);
    }

    public static StatusMessage lastWill() {
        return new StatusMessage(1, OFFLINE, null, null, null, null);
    }
}
