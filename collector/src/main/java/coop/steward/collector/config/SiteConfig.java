package coop.steward.collector.config;

import java.time.ZoneId;

/** A site of the {@code sites:} section: its id and the time zone its days, weeks, months and years follow. */
public record SiteConfig(String id, ZoneId zone) {
}
