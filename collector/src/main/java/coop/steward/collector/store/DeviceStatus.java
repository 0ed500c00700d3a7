package coop.steward.collector.store;

/**
 * A device's presence as the collector last knew it. {@code state} is online, offline or unknown. {@code outbox} is
 * what the device's own status said is waiting on it (null when not known, as for stored statuses): a device that
 * is online with a non-empty outbox is delayed, not absent.
 */
public record DeviceStatus(String site, String device, String state, Long lastSeen, Long outbox) {
    public static final String UNKNOWN = "unknown";

    public DeviceStatus(String site, String device, String state, Long lastSeen) {
        this(site, device, state, lastSeen, null);
    }
}
