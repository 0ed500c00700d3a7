package coop.steward.collector.config;

import java.time.ZoneId;

/**
 * A site of the {@code sites:} section: its id, the time zone its days, weeks, months and years follow, and how a
 * neighbour who comes to help finds it ({@code where}, null when not given).
 */
public record SiteConfig(String id, ZoneId zone, String where) {
    public SiteConfig(String id, ZoneId zone) {
        this(id, zone, null);
    }
}
