package coop.steward.collector.site;

import coop.steward.collector.config.AlertsConfig;
import coop.steward.collector.config.ArrayConfig;
import coop.steward.collector.config.RuleConfig;
import coop.steward.collector.config.SiteConfig;
import coop.steward.collector.store.DeviceStatus;
import coop.steward.collector.store.ReadingStore;
import coop.steward.collector.store.SensorSummary;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What the collector knows about each site: its time zone (configured, or the collector's own), its solar arrays
 * and the threshold rules that watch it.
 */
public final class Sites {
    private final Map<String, ZoneId> zones = new LinkedHashMap<>();
    private final ZoneId fallback;
    private final List<ArrayConfig> arrays;
    private final List<RuleConfig.Threshold> thresholds = new ArrayList<>();

    /** @param fallback the zone of sites the config does not list: the collector's own */
    public Sites(List<SiteConfig> configured, ZoneId fallback, AlertsConfig alerts) {
        configured.forEach(site -> zones.put(site.id(), site.zone()));
        this.fallback = fallback;
        this.arrays = alerts.arrays();
        for (RuleConfig rule : alerts.rules()) {
            if (rule instanceof RuleConfig.Threshold threshold) {
                thresholds.add(threshold);
            }
        }
    }

    /** The zone whose days, weeks, months and years the site's totals and reports follow. */
    public ZoneId zone(String site) {
        return zones.getOrDefault(site, fallback);
    }

    public List<ArrayConfig> arrays(String site) {
        return arrays.stream().filter(a -> a.site().equals(site)).toList();
    }

    /** The rated peak power of all the site's arrays together, or null when it has none. */
    public Double peakPowerW(String site) {
        List<ArrayConfig> own = arrays(site);
        return own.isEmpty() ? null : own.stream().mapToDouble(ArrayConfig::peakPowerW).sum();
    }

    /** Threshold rules whose sites include this one (a rule naming no sites watches every site). */
    public List<RuleConfig.Threshold> thresholds(String site) {
        return thresholds.stream().filter(rule -> {
            var sites = rule.basics().target().sites();
            return sites.isEmpty() || sites.contains(site);
        }).toList();
    }

    /** Every site with stored devices or series ({@link ReadingStore}), listed under {@code sites:} or with an array. */
    public SortedSet<String> known(List<DeviceStatus> devices, List<SensorSummary> sensors) {
        SortedSet<String> known = new TreeSet<>(zones.keySet());
        arrays.forEach(a -> known.add(a.site()));
        devices.forEach(d -> known.add(d.site()));
        sensors.forEach(s -> known.add(s.key().site()));
        return known;
    }
}
