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

    private final RuleConfig.SolarUnderperformance config;
    private final List<ArrayConfig> arrays;
    private final long holdMs;
    private final long skewMs;
    /** Irradiance series of each site; a device's own sensor is preferred over another device's. */
    private final Map<String, Map<Subject, MinuteHistory>> irradiance = new HashMap<>();
    /** Yield (W per rated W) of every listed array of each site. */
    private final Map<String, Map<Subject, MinuteHistory>> yields = new HashMap<>();
    private final Map<Subject, Episode> series = new HashMap<>();
    /** Which listed array each power series is, looked up once; {@link #UNLISTED} when none. */
    private final Map<Subject, ArrayConfig> arrayOf = new HashMap<>();
    private static final ArrayConfig UNLISTED = new ArrayConfig("", "", null, 1);

    SolarUnderperformanceRule(RuleConfig.SolarUnderperformance config, List<ArrayConfig> arrays) {
        this.config = config;
        this.arrays = List.copyOf(arrays);
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
            irradiance.computeIfAbsent(s.site(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(s.subject(), k -> new MinuteHistory()).put(s.t(), s.value());
            return;
        }
        ArrayConfig array = array(s);
        if (array == null || !config.basics().target().matches(s.site(), s.device(), s.sensor())) {
            return;
        }
        double yield = s.value() / array.peakPowerW();
        yields.computeIfAbsent(s.site(), k -> new LinkedHashMap<>())
                .computeIfAbsent(s.subject(), k -> new MinuteHistory()).put(s.t(), yield);
        Episode episode = series.computeIfAbsent(s.subject(), k -> new Episode(holdMs, sink.isActive(id(), k)));
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
}
