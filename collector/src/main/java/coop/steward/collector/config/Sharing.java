package coop.steward.collector.config;

import java.util.Locale;
import java.util.Map;

/**
 * What a site collector shares with its hub (the {@code sharing:} section): {@code share} for every device, except
 * those {@code devices} names, by {@code device} or {@code site/device}. The site enforces it: what it does not share
 * never leaves it. Applies only when the collector forwards to a hub ({@code --forward-to}).
 *
 * @param catchUpPerSecond the most readings a second sent to the hub while a backlog is caught up; live readings go
 *                         first, and the backlog gets what they leave
 * @param ackTimeoutSeconds how long a message sent to the hub waits for its collector's confirmation before it is sent
 *                          again (then twice as long after each try, up to 16 times as long), as an agent's
 *                          {@code publish.ackTimeoutSeconds}: a hub's broker that restarts without its queue drops
 *                          what it had, and only this brings it back
 */
public record Sharing(Share share, Map<String, Share> devices, int catchUpPerSecond, int ackTimeoutSeconds) {
    public static final int DEFAULT_CATCH_UP_PER_SECOND = 2_000;
    public static final int DEFAULT_ACK_TIMEOUT_SECONDS = 30;
    public static final Sharing DEFAULT = new Sharing(Share.EVERYTHING, Map.of(), DEFAULT_CATCH_UP_PER_SECOND,
            DEFAULT_ACK_TIMEOUT_SECONDS);

    /** What one device's data goes to the hub as. */
    public enum Share {
        /** Every reading, and the device's status. */
        EVERYTHING,
        /**
         * An hour's summary of each sensor once the hour is over (the mean; for meters and valves the last value),
         * as one reading at the hour's start, and the device's status.
         */
        HOURLY,
        /** The device's status only (online or offline, last seen), and its alerts in the site's report. */
        STATUS,
        /** Nothing at all. */
        NOTHING;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The share a config word names, or null. */
        public static Share of(String word) {
            for (Share share : values()) {
                if (share.word().equals(word)) {
                    return share;
                }
            }
            return null;
        }
    }

    public Sharing {
        devices = Map.copyOf(devices);
        if (catchUpPerSecond < 1) {
            throw new IllegalArgumentException("catchUpPerSecond must be at least 1, not " + catchUpPerSecond);
        }
        if (ackTimeoutSeconds < 1) {
            throw new IllegalArgumentException("ackTimeoutSeconds must be at least 1, not " + ackTimeoutSeconds);
        }
    }

    public Share of(String site, String device) {
        Share own = devices.get(site + "/" + device);
        if (own != null) {
            return own;
        }
        return devices.getOrDefault(device, share);
    }

    public boolean readingsOf(String site, String device) {
        return of(site, device) == Share.EVERYTHING;
    }

    public boolean summariesOf(String site, String device) {
        return of(site, device) == Share.HOURLY;
    }

    /** Whether the hub gets the device's data at all: its readings or its summaries. */
    public boolean dataOf(String site, String device) {
        Share own = of(site, device);
        return own == Share.EVERYTHING || own == Share.HOURLY;
    }

    /** Whether any device, or every device, is shared as hourly summaries. */
    public boolean anySummaries() {
        return share == Share.HOURLY || devices.containsValue(Share.HOURLY);
    }
}
