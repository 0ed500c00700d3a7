package coop.steward.collector.site;

import coop.steward.collector.config.AlertsConfig;
import coop.steward.collector.config.ArrayConfig;
import coop.steward.collector.config.RuleConfig;
import coop.steward.collector.config.SiteConfig;
import coop.steward.collector.store.DeviceStatus;
import coop.steward.collector.store.ReadingStore;
import coop.steward.collector.store.SensorSummary;
import coop.steward.protocol.ForwardReport;
import coop.steward.protocol.Ids;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * What the collector knows about each site: its time zone (configured, or the collector's own), its solar arrays
 * and the threshold rules that watch it. An admin's change of the collector's config replaces it all at once;
 * readers on any thread see the old or the new, never half of each.
 */
public final class Sites {
    private final ZoneId fallback;
    private volatile Known known;
    private volatile Function<String, ForwardReport> reported = site -> null;

    /** One config's sites, arrays and threshold rules. */
    private record Known(Map<String, ZoneId> zones, Map<String, String> where, List<ArrayConfig> arrays,
                         List<RuleConfig.Threshold> thresholds) {
        static Known of(List<SiteConfig> configured, AlertsConfig alerts) {
            Map<String, ZoneId> zones = new LinkedHashMap<>();
            Map<String, String> where = new LinkedHashMap<>();
            configured.forEach(site -> {
                zones.put(site.id(), site.zone());
                if (site.where() != null) {
                    where.put(site.id(), site.where());
                }
            });
            List<RuleConfig.Threshold> thresholds = new ArrayList<>();
            for (RuleConfig rule : alerts.rules()) {
                if (rule instanceof RuleConfig.Threshold threshold) {
                    thresholds.add(threshold);
                }
            }
            return new Known(zones, where, alerts.arrays(), List.copyOf(thresholds));
        }
    }

    /** @param fallback the zone of sites the config does not list: the collector's own */
    public Sites(List<SiteConfig> configured, ZoneId fallback, AlertsConfig alerts) {
        this.fallback = fallback;
        this.known = Known.of(configured, alerts);
    }

    /** From now on, the sites, arrays and threshold rules of a changed config. */
    public void replace(List<SiteConfig> configured, AlertsConfig alerts) {
        known = Known.of(configured, alerts);
    }

    /**
     * At a regional hub: the zones and arrays of sites its own config does not give are those the sites report
     * ({@code steward/v1/{site}/forward}).
     */
    public void learnFrom(Function<String, ForwardReport> reports) {
        this.reported = reports;
    }

    /** The zone whose days, weeks, months and years the site's totals and reports follow. */
    public ZoneId zone(String site) {
        ZoneId own = known.zones().get(site);
        if (own != null) {
            return own;
        }
        ForwardReport report = reported.apply(site);
        if (report != null && report.zone() != null && ZoneId.getAvailableZoneIds().contains(report.zone())) {
            return ZoneId.of(report.zone());
        }
        return fallback;
    }

    /** How a neighbour who comes to help finds the site, as its config says; null when it does not. */
    public String where(String site) {
        return known.where().get(site);
    }

    /** The sites listed under {@code sites:}, in their order. */
    public List<String> configured() {
        return List.copyOf(known.zones().keySet());
    }

    public List<ArrayConfig> arrays(String site) {
        List<ArrayConfig> own = known.arrays().stream().filter(a -> a.site().equals(site)).toList();
        ForwardReport report = own.isEmpty() ? reported.apply(site) : null;
        if (report == null) {
            return own;
        }
        // What a site reports is checked as the config would be: a bad entry is left out.
        return report.arrays().stream().filter(a -> Ids.isValid(a.device())
                        && (a.sensor() == null || Ids.isValid(a.sensor()))
                        && Double.isFinite(a.peakPowerW()) && a.peakPowerW() >= 1 && a.peakPowerW() <= 1e9)
                .map(a -> new ArrayConfig(site, a.device(), a.sensor(), a.peakPowerW(), facing(a.facing()))).toList();
    }

    /** A way of facing that the config would take, or null (unknown). */
    private static String facing(String reported) {
        return reported != null && ArrayConfig.FACINGS.contains(reported) ? reported : null;
    }

    /** The rated peak power of all the site's arrays together, or null when it has none. */
    public Double peakPowerW(String site) {
        List<ArrayConfig> own = arrays(site);
        return own.isEmpty() ? null : own.stream().mapToDouble(ArrayConfig::peakPowerW).sum();
    }

    /** Threshold rules whose sites include this one (a rule naming no sites watches every site). */
    public List<RuleConfig.Threshold> thresholds(String site) {
        return known.thresholds().stream().filter(rule -> {
            var sites = rule.basics().target().sites();
            return sites.isEmpty() || sites.contains(site);
        }).toList();
    }

    /** Every site with stored devices or series ({@link ReadingStore}), listed under {@code sites:} or with an array. */
    public SortedSet<String> known(List<DeviceStatus> devices, List<SensorSummary> sensors) {
        Known now = known;
        SortedSet<String> sites = new TreeSet<>(now.zones().keySet());
        now.arrays().forEach(a -> sites.add(a.site()));
        devices.forEach(d -> sites.add(d.site()));
        sensors.forEach(s -> sites.add(s.key().site()));
        return sites;
    }
}
