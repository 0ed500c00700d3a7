package coop.steward.protocol;

import java.util.Optional;

/** Builds and parses the contract's MQTT topics. */
public final class Topics {
    public static final String PREFIX = "steward/v1/";
    /** What the collector subscribes to for readings of every device. */
    public static final String ALL_READINGS = PREFIX + "+/+/readings";
    public static final String ALL_STATUS = PREFIX + "+/+/status";

    private Topics() {
    }

    public static String device(String site, String device, Channel channel) {
        return PREFIX + site + "/" + device + "/" + channel.suffix();
    }

    public static String readings(String site, String device) {
        return device(site, device, Channel.READINGS);
    }

    public static String readingsAck(String site, String device) {
        return device(site, device, Channel.READINGS_ACK);
    }

    public static String status(String site, String device) {
        return device(site, device, Channel.STATUS);
    }

    public static String alert(String site, String alertId) {
        return PREFIX + site + "/alerts/" + alertId;
    }

    /** Parses {@code steward/v1/{site}/{device}/{channel}}; empty for any other topic. Ids are not validated here. */
    public static Optional<DeviceTopic> parse(String topic) {
        if (topic == null || !topic.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String[] parts = topic.substring(PREFIX.length()).split("/", -1);
        if (parts.length < 3 || parts.length > 4) {
            return Optional.empty();
        }
        String suffix = parts.length == 3 ? parts[2] : parts[2] + "/" + parts[3];
        for (Channel channel : Channel.values()) {
            if (channel.suffix().equals(suffix)) {
                return Optional.of(new DeviceTopic(parts[0], parts[1], channel));
            }
        }
        return Optional.empty();
    }
}
