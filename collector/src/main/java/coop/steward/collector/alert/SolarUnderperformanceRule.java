package coop.steward.collector.alert;

import coop.steward.collector.config.ArrayConfig;
import coop.steward.collector.config.RuleConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An array (or string) delivering well below what it should. What it should deliver comes from irradiance when
 * the site measures it: rated peak power times irradiance / 1000 W/m2 times the performance ratio. Without
 * irradiance, from its siblings: other arrays or strings of the same site at the same minute, per rated watt.
 * Nothing is judged in weak light (below {@code minIrradiance}, or siblings below {@code minSiblingYield}), so
 * night, dawn and dusk never raise, and clouds, which dim the irradiance sensor and every sibling alike, do not
 * either. Only arrays listed under {@code alerts.arrays} (with their peak power) are judged.
 */
final class SolarUnderperformanceRule implements Rule {
    static final String POWER = "solar_power";
    static final String IRRADIANCE = "irradiance";
    /**
     * Two days of minutes are 35 KB a series, so invented sensor ids must not multiply them. A device with a listed
     * array has its own irradiance and power series followed up to this many each (a real one has one irradiance
     * sensor and a few strings), so that no other device can crowd them out.
     */
    static final int SERIES_PER_ARRAY_DEVICE = 16;
    /** Irradiance followed per site from devices without a listed array (a weather station). */
    static final int OTHER_IRRADIANCE_PER_SITE = 16;

    private final RuleConfig.SolarUnderperformance config;
    private final List<ArrayConfig> arrays;
    /** Irradiance is followed only where an array is judged against it. */
    private final Set<String> arraySites;
    private final Set<Subject> arrayDevices;
    private final long holdMs;
    private final long skewMs;
    /** Irradiance series of each site with a listed array; a device's own sensor is preferred over another's. */
    private final Map<String, Map<Subject, MinuteHistory>> irradiance = new HashMap<>();
    /** Yield (W per rated W) of every listed array of each site. */
    private final Map<String, Map<Subject, MinuteHistory>> yields = new HashMap<>();
    /** Which listed array each power series is, looked up once; {@link #UNLISTED} when none. */
    private final Map<Subject, ArrayConfig> arrayOf = new HashMap<>();
    private static final ArrayConfig UNLISTED = new ArrayConfig("", "", null, 1);

    SolarUnderperformanceRule(RuleConfig.SolarUnderperformance config, List<ArrayConfig> arrays) {
        this.config = config;
        this.arrays = List.copyOf(arrays);
        this.arraySites = arrays.stream().map(ArrayConfig::site).collect(Collectors.toSet());
        this.arrayDevices = arrays.stream().map(a -> Subject.device(a.site(), a.device())).collect(Collectors.toSet());
        this.holdMs = config.hold().toMillis();
        this.skewMs = config.maxSkew().toMillis();
    }

    @Override
    public RuleConfig.Basics basics() {
        return config.basics();
    }

    @Override
    public Set<String> kinds() {
        return Set.of(POWER, IRRADIANCE);
    }

    @Override
    public void accept(Sample s, AlertSink sink) {
        if (IRRADIANCE.equals(s.kind())) {
            if (arraySites.contains(s.site())) {
                MinuteHistory history = history(irradiance, s.subject());
                if (history != null) {
                    history.put(s.t(), s.value());
                }
            }
            return;
        }
        ArrayConfig array = array(s);
        if (array == null || !config.basics().target().matches(s.site(), s.device(), s.sensor())) {
            return;
        }
        double yield = s.value() / array.peakPowerW();
        MinuteHistory history = history(yields, s.subject());
        if (history == null) {
            return;
        }
        history.put(s.t(), yield);
        Episode episode = Episode.of(this, s, holdMs, sink);
        Expectation expected = expected(s);
        if (expected == null) {
            episode.neither(); // too dark to judge, or nothing to compare with
            return;
        }
        double ratio = yield / expected.yield();
        if (ratio < config.below()) {
            if (episode.met(s.t()) == Episode.Step.RAISE) {
                sink.raise(new Finding(basics(), s.subject(), s.t(), s.value(), "The array " + s.subject().path()
                        + " has delivered under " + percent(config.below()) + " of " + expected.what() + " since "
                        + Wording.time(episode.since()) + ": now " + percent(ratio) + " ("
                        + Wording.value(s.value(), POWER) + " of an expected "
                        + Wording.value(expected.yield() * array.peakPowerW(), POWER) + ").", episode.since()));
            }
        } else if (ratio >= config.clearAbove()) {
            if (episode.cleared() == Episode.Step.CLEAR) {
                sink.clear(id(), s.subject(), s.t(), "The array delivers " + percent(ratio) + " of "
                        + expected.what() + " again.");
            }
        } else {
            episode.neither();
        }
    }

    private record Expectation(double yield, String what) {
    }

    /** The series' history, new if there is room for it; null when its device or site has all it may. */
    private MinuteHistory history(Map<String, Map<Subject, MinuteHistory>> bySite, Subject series) {
        Map<Subject, MinuteHistory> site = bySite.computeIfAbsent(series.site(), k -> new LinkedHashMap<>());
        MinuteHistory history = site.get(series);
        if (history == null && hasRoom(site, series)) {
            history = new MinuteHistory();
            site.put(series, history);
        }
        return history;
    }

    private boolean hasRoom(Map<Subject, MinuteHistory> site, Subject series) {
        boolean ofArray = isArrayDevice(series);
        long alike = site.keySet().stream()
                .filter(k -> ofArray ? k.device().equals(series.device()) : !isArrayDevice(k)).count();
        return alike < (ofArray ? SERIES_PER_ARRAY_DEVICE : OTHER_IRRADIANCE_PER_SITE);
    }

    private boolean isArrayDevice(Subject series) {
        return arrayDevices.contains(Subject.device(series.site(), series.device()));
    }

    /** How many series' histories are kept, for tests. */
    int followedSeries() {
        int n = 0;
        for (Map<Subject, MinuteHistory> site : irradiance.values()) {
            n += site.size();
        }
        for (Map<Subject, MinuteHistory> site : yields.values()) {
            n += site.size();
        }
        return n;
    }

    /** The yield this array should have now, or null when it cannot be judged. */
    private Expectation expected(Sample s) {
        double g = irradianceAt(s);
        if (!Double.isNaN(g)) {
            if (g < config.minIrradiance()) {
                return null;
            }
            return new Expectation(g / 1000 * config.performanceRatio(), "the power expected for "
                    + Wording.value(g, IRRADIANCE));
        }
        Map<Subject, MinuteHistory> siblings = yields.getOrDefault(s.site(), Map.of());
        List<Double> values = new ArrayList<>();
        siblings.forEach((subject, history) -> {
            if (!subject.equals(s.subject())) {
                double v = history.at(s.t(), skewMs);
                if (!Double.isNaN(v)) {
                    values.add(v);
                }
            }
        });
        if (values.isEmpty()) {
            return null;
        }
        double median = median(values);
        return median < config.minSiblingYield() ? null
                : new Expectation(median, "what its sibling arrays of " + s.site() + " deliver per rated watt");
    }

    private double irradianceAt(Sample s) {
        Map<Subject, MinuteHistory> sensors = irradiance.get(s.site());
        if (sensors == null) {
            return Double.NaN;
        }
        double elsewhere = Double.NaN;
        for (Map.Entry<Subject, MinuteHistory> e : sensors.entrySet()) {
            double g = e.getValue().at(s.t(), skewMs);
            if (!Double.isNaN(g)) {
                if (e.getKey().device().equals(s.device())) {
                    return g;
                }
                if (Double.isNaN(elsewhere)) {
                    elsewhere = g;
                }
            }
        }
        return elsewhere;
    }

    private ArrayConfig array(Sample s) {
        ArrayConfig array = arrayOf.computeIfAbsent(s.subject(), k -> arrays.stream()
                .filter(a -> a.covers(k.site(), k.device(), k.sensor())).findFirst().orElse(UNLISTED));
        return array == UNLISTED ? null : array;
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String percent(double ratio) {
        return Math.round(ratio * 100) + " %";
    }

    @Override
    public void forget(String site) {
        arrayOf.keySet().removeIf(subject -> subject.site().equals(site));
        irradiance.remove(site);
        yields.remove(site);
    }
}
