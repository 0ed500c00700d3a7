package coop.steward.collector.store;

/** A device's presence as the collector last knew it. {@code state} is online, offline or unknown. */
public record DeviceStatus(String site, String device, String state, Long lastSeen) {
    public static final String UNKNOWN = "unknown";
}
