package coop.steward.collector.report;

import coop.steward.collector.alert.Alert;
import coop.steward.collector.history.CalendarPeriod;
import coop.steward.collector.history.CounterTotals;
import coop.steward.collector.site.Sites;
import coop.steward.collector.store.ReadingStore;
import coop.steward.collector.store.SensorSummary;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The community report: per site and month of the site's zone, the water and energy its meters counted (by the
 * rules of {@link CounterTotals}), the specific yield of its arrays, and how its alerts were answered.
 */
public final class CommunityReport {
    private static final String WATER = "water_total";
    private static final String ENERGY = "energy_total";

    private final ReadingStore store;
    private final Sites sites;
    private final CounterTotals totals;

    public CommunityReport(ReadingStore store, Sites sites) {
        this.store = store;
        this.sites = sites;
        this.totals = new CounterTotals(store);
    }

    /**
     * Blocking: two store queries per meter. {@code sensors} are the store's ({@link ReadingStore#sensors()}), and
     * {@code alerts} must hold every alert opened in the months.
     */
    public List<SiteReport> build(Map<String, Months> months, List<SensorSummary> sensors, List<Alert> alerts,
                                  long now) {
        List<SiteReport> reports = new ArrayList<>();
        months.forEach((site, range) -> {
            ZoneId zone = sites.zone(site);
            Map<String, Double> water = metered(site, WATER, range, zone, sensors, now);
            Map<String, Double> energy = metered(site, ENERGY, range, zone, sensors, now);
            Double peakPowerW = sites.peakPowerW(site);
            List<MonthFigures> figures = new ArrayList<>();
            for (YearMonth month = range.from(); !month.isAfter(range.to()); month = month.plusMonths(1)) {
                Months one = new Months(month, month);
                long start = one.start(zone);
                long end = one.end(zone);
                Double kWh = energy.containsKey(month.toString()) ? round(energy.get(month.toString()) / 1000) : null;
                Double yield = kWh == null || peakPowerW == null ? null : round(kWh / (peakPowerW / 1000));
                List<Alert> opened = alerts.stream().filter(a -> a.site().equals(site) && a.openedAt() >= start
                        && a.openedAt() < end).toList();
                figures.add(new MonthFigures(month, end <= now, water.get(month.toString()), kWh, yield,
                        opened.size(), medianAckMinutes(opened)));
            }
            reports.add(new SiteReport(site, zone, peakPowerW, figures));
        });
        return reports;
    }

    /** Month label to the sum of the site's meters of this kind; a month no meter counted in is left out. */
    private Map<String, Double> metered(String site, String kind, Months range, ZoneId zone,
                                        List<SensorSummary> sensors, long now) {
        Map<String, Double> sums = new HashMap<>();
        for (SensorSummary sensor : sensors) {
            if (sensor.key().site().equals(site) && kind.equals(sensor.kind())) {
                totals.of(sensor.key(), range.start(zone), range.end(zone), CalendarPeriod.MONTH, zone, now).periods()
                        .forEach(total -> sums.merge(total.period().label(), total.total(), Double::sum));
            }
        }
        sums.replaceAll((month, sum) -> round(sum));
        return sums;
    }

    private static Double medianAckMinutes(List<Alert> alerts) {
        double[] minutes = alerts.stream().filter(a -> a.acknowledgedAt() != null)
                .mapToDouble(a -> (a.acknowledgedAt() - a.openedAt()) / 60_000.0).sorted().toArray();
        if (minutes.length == 0) {
            return null;
        }
        int middle = minutes.length / 2;
        return round(minutes.length % 2 == 1 ? minutes[middle] : (minutes[middle - 1] + minutes[middle]) / 2);
    }

    /** Sums of fractions carry binary noise (0.1 + 0.2); six decimals are more than any meter resolves. */
    private static double round(double value) {
        return Math.round(value * 1e6) / 1e6;
    }
}
