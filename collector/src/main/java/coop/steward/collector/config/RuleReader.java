package coop.steward.collector.config;

import coop.steward.config.Problems;
import coop.steward.config.Spelling;
import coop.steward.config.YamlNode;
import coop.steward.protocol.Kind;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads one entry of a {@code rules:} list into its {@link RuleConfig}, reporting every problem. */
final class RuleReader {
    static final List<String> TYPES = List.of("threshold", "absence", "irrigation-leak", "irrigation-no-flow",
            "water-budget", "solar-underperformance", "watering-no-rise", "battery-low", "sensor-stuck",
            "sensor-range");
    private static final String[] COMMON = {"id", "type", "severity", "sites", "devices", "sensors", "advice",
            "enabled"};
    private static final Duration LONGEST = Duration.ofDays(7);

    /** A rule entry as read: {@code config} is null when the entry only switches a rule off, or was wrong. */
    record Entry(String id, int line, boolean enabled, RuleConfig config) {
    }

    private RuleReader() {
    }

    /** The entry, or null when even its id could not be read (reported). */
    static Entry read(YamlNode node, String path, Problems problems) {
        Keys keys = Keys.of(node, node.line(), path, problems);
        if (keys == null) {
            return null;
        }
        int mark = problems.count();
        String id = keys.require("id", "id: soil-dry") ? keys.id("id") : null;
        Boolean enabled = keys.bool("enabled", true);
        if (id == null || enabled == null) {
            return null;
        }
        if (!enabled && !keys.has("type")) {
            keys.allowOnly("id", "enabled");
            return new Entry(id, keys.line(), false, null);
        }
        String type = keys.require("type", "type: threshold") ? keys.text("type", null) : null;
        if (type != null && !TYPES.contains(type)) {
            String likely = Spelling.closest(type, TYPES).map(t -> " (did you mean '" + t + "'?)").orElse("");
            keys.error("type", "'" + type + "' is not a rule type" + likely + "; the types are "
                    + String.join(", ", TYPES));
            type = null;
        }
        if (type == null) {
            return null;
        }
        RuleConfig.Basics basics = basics(keys, id, type);
        RuleConfig config = switch (type) {
            case "threshold" -> threshold(keys, basics);
            case "absence" -> absence(keys, basics);
            case "irrigation-leak" -> leak(keys, basics);
            case "irrigation-no-flow" -> noFlow(keys, basics);
            case "water-budget" -> waterBudget(keys, basics);
            case "solar-underperformance" -> solar(keys, basics);
            case "watering-no-rise" -> wateringEffect(keys, basics);
            case "battery-low" -> battery(keys, basics);
            case "sensor-stuck" -> stuck(keys, basics);
            default -> range(keys, basics);
        };
        return new Entry(id, keys.line(), enabled, problems.noneSince(mark) ? config : null);
    }

    private static RuleConfig.Basics basics(Keys keys, String id, String type) {
        Severity read = keys.severity("severity", Severity.WARNING);
        Severity severity = read == null ? Severity.WARNING : read; // what is wrong is reported already
        Set<String> sites = keys.ids("sites");
        Set<String> devices = keys.ids("devices");
        Set<String> sensors = keys.ids("sensors");
        RuleTarget target = sites == null || devices == null || sensors == null ? RuleTarget.ALL
                : new RuleTarget(sites, devices, sensors);
        return new RuleConfig.Basics(id, type, severity, target, keys.text("advice", null));
    }

    private static String[] with(String... specific) {
        String[] all = new String[COMMON.length + specific.length];
        System.arraycopy(COMMON, 0, all, 0, COMMON.length);
        System.arraycopy(specific, 0, all, COMMON.length, specific.length);
        return all;
    }

    private static RuleConfig threshold(Keys keys, RuleConfig.Basics basics) {
        keys.allowOnly(with("kind", "below", "above", "hysteresis", "for"));
        String kind = kind(keys);
        if (keys.has("below") == keys.has("above")) {
            keys.error(keys.has("below") ? "above" : "below", "give exactly one of 'below' and 'above': the limit "
                    + "and the direction in which crossing it raises the alert");
            return null;
        }
        boolean below = keys.has("below");
        Double limit = keys.number(below ? "below" : "above", -1e9, 1e9, null);
        Double hysteresis = keys.number("hysteresis", 0, 1e9, 0.0);
        Duration hold = keys.duration("for", LONGEST, Duration.ZERO);
        return kind == null || limit == null || hysteresis == null || hold == null ? null
                : new RuleConfig.Threshold(basics, kind, below, limit, hysteresis, hold);
    }

    private static RuleConfig absence(Keys keys, RuleConfig.Basics basics) {
        keys.allowOnly(with("kinds", "intervals", "atLeast", "learnFrom"));
        Set<String> kinds = kinds(keys, false);
        Integer intervals = keys.whole("intervals", 2, 1000, 10);
        Duration atLeast = keys.duration("atLeast", LONGEST, Duration.ofMinutes(15));
        Integer learn = keys.whole("learnFrom", 2, 100, 5);
        return kinds == null || intervals == null || atLeast == null || learn == null ? null
                : new RuleConfig.Absence(basics, kinds, intervals, atLeast, learn);
    }

    private static RuleConfig leak(Keys keys, RuleConfig.Basics basics) {
        keys.allowOnly(with("flowAbove", "clearBelow", "for"));
        Double above = keys.number("flowAbove", 0.001, 1000, 0.3);
        Double clear = keys.number("clearBelow", 0, 1000, above == null ? null : above / 3);
        Duration hold = keys.duration("for", LONGEST, Duration.ofMinutes(1));
        if (above != null && clear != null && clear > above) {
            keys.error("clearBelow", "must not be above flowAbove (" + Keys.format(above) + ")");
            return null;
        }
        return above == null || clear == null || hold == null ? null
                : new RuleConfig.Leak(basics, above, clear, hold);
    }

    private static RuleConfig noFlow(Keys keys, RuleConfig.Basics basics) {
        keys.allowOnly(with("flowBelow", "for"));
        Double below = keys.number("flowBelow", 0.001, 1000, 0.5);
        Duration hold = keys.duration("for", LONGEST, Duration.ofMinutes(2));
        return below == null || hold == null ? null : new RuleConfig.NoFlow(basics, below, hold);
    }

    private static RuleConfig waterBudget(Keys keys, RuleConfig.Basics basics) {
        keys.allowOnly(with("litresPerDay", "timeZone"));
        Double litres = keys.require("litresPerDay", "litresPerDay: 1000")
                ? keys.number("litresPerDay", 1, 1e9, null) : null;
        ZoneId zone = ZoneOffset.UTC;
        String text = keys.text("timeZone", null);
        if (text != null) {
            try {
                zone = ZoneId.of(text);
            } catch (DateTimeException e) {
                keys.error("timeZone", "'" + text + "' is not a time zone; use a name such as Europe/London or UTC");
                return null;
            }
        }
        return litres == null ? null : new RuleConfig.WaterBudget(basics, litres, zone);
    }

    private static RuleConfig solar(Keys keys, RuleConfig.Basics basics) {
        keys.allowOnly(with("performanceRatio", "below", "clearAbove", "minIrradiance", "minSiblingYield", "for",
                "maxSkew"));
        Double ratio = keys.number("performanceRatio", 0.1, 1, 0.8);
        Double below = keys.number("below", 0.05, 1, 0.6);
        Double clear = keys.number("clearAbove", 0.05, 1.5, 0.75);
        Double minIrradiance = keys.number("minIrradiance", 1, 1500, 200.0);
        Double minYield = keys.number("minSiblingYield", 0.01, 1.5, 0.2);
        Duration hold = keys.duration("for", LONGEST, Duration.ofMinutes(30));
        Duration skew = keys.duration("maxSkew", Duration.ofHours(1), Duration.ofMinutes(2));
        if (below != null && clear != null && clear < below) {
            keys.error("clearAbove", "must not be below 'below' (" + Keys.format(below) + ")");
            return null;
        }
        return ratio == null || below == null || clear == null || minIrradiance == null || minYield == null
                || hold == null || skew == null ? null
                : new RuleConfig.SolarUnderperformance(basics, ratio, below, clear, minIrradiance, minYield, hold, skew);
    }

    private static RuleConfig wateringEffect(Keys keys, RuleConfig.Basics basics) {
        keys.allowOnly(with("within", "minRise", "expectBelow", "flowAbove"));
        Duration within = keys.duration("within", LONGEST, Duration.ofHours(2));
        Double rise = keys.number("minRise", 0.1, 100, 2.0);
        Double expectBelow = keys.number("expectBelow", 0, 100, 28.0);
        Double flow = keys.number("flowAbove", 0.001, 1000, 0.3);
        if (within != null && within.isZero()) {
            keys.error("within", "must be longer than 0: water takes time to reach the probe");
            return null;
        }
        return within == null || rise == null || expectBelow == null || flow == null ? null
                : new RuleConfig.WateringEffect(basics, within, rise, expectBelow, flow);
    }

    private static RuleConfig battery(Keys keys, RuleConfig.Basics basics) {
        keys.allowOnly(with("socBelow", "socHysteresis", "voltageBelow", "voltageHysteresis", "for"));
        Double soc = keys.number("socBelow", 0, 100, 20.0);
        Double socHysteresis = keys.number("socHysteresis", 0, 100, 10.0);
        Double voltage = keys.number("voltageBelow", 0, 1000, 11.8);
        Double voltageHysteresis = keys.number("voltageHysteresis", 0, 100, 0.4);
        Duration hold = keys.duration("for", LONGEST, Duration.ofMinutes(10));
        return soc == null || socHysteresis == null || voltage == null || voltageHysteresis == null || hold == null
                ? null : new RuleConfig.BatteryLow(basics, soc, socHysteresis, voltage, voltageHysteresis, hold);
    }

    private static RuleConfig stuck(Keys keys, RuleConfig.Basics basics) {
        keys.allowOnly(with("kinds", "for", "tolerance"));
        Set<String> kinds = kinds(keys, true);
        Duration hold = keys.require("for", "for: 6h") ? keys.duration("for", LONGEST, null) : null;
        Double tolerance = keys.number("tolerance", 0, 1e9, 0.0);
        if (hold != null && hold.toMinutes() < 10) {
            keys.error("for", "is too short to tell a stuck sensor from a steady value; use 10m or more");
            return null;
        }
        return kinds == null || hold == null || tolerance == null ? null
                : new RuleConfig.Stuck(basics, kinds, hold, tolerance);
    }

    private static RuleConfig range(Keys keys, RuleConfig.Basics basics) {
        keys.allowOnly(with("limits", "clearAfter"));
        Duration clearAfter = keys.duration("clearAfter", LONGEST, Duration.ofHours(1));
        Keys block = keys.require("limits", "limits: {soil_temperature: {min: -30, max: 60}}")
                ? keys.block("limits") : null;
        if (block == null || clearAfter == null) {
            return null;
        }
        Map<String, RuleConfig.Limits> limits = new LinkedHashMap<>();
        boolean ok = true;
        for (YamlNode.Entry entry : block.entries().values()) {
            if (Kind.lookup(entry.key()).isEmpty()) {
                block.error(entry.key(), unknownKind(entry.key()));
                ok = false;
                continue;
            }
            Keys bounds = block.block(entry.key());
            if (bounds == null) {
                ok = false;
                continue;
            }
            bounds.allowOnly("min", "max");
            Double min = bounds.number("min", -1e9, 1e9, Double.NEGATIVE_INFINITY);
            Double max = bounds.number("max", -1e9, 1e9, Double.POSITIVE_INFINITY);
            if (min == null || max == null || !(min < max)) {
                if (min != null && max != null) {
                    bounds.error("max", "must be above min");
                }
                ok = false;
                continue;
            }
            limits.put(entry.key(), new RuleConfig.Limits(min, max));
        }
        if (ok && limits.isEmpty()) {
            keys.error("limits", "is empty; give at least one kind with its min and max");
            return null;
        }
        return ok ? new RuleConfig.Range(basics, limits, clearAfter) : null;
    }

    private static String kind(Keys keys) {
        if (!keys.require("kind", "kind: soil_moisture")) {
            return null;
        }
        String kind = keys.text("kind", null);
        if (kind != null && Kind.lookup(kind).isEmpty()) {
            keys.error("kind", unknownKind(kind));
            return null;
        }
        return kind;
    }

    private static Set<String> kinds(Keys keys, boolean required) {
        if (!keys.has("kinds")) {
            return required && !keys.require("kinds", "kinds: [soil_temperature]") ? null : Set.of();
        }
        List<YamlNode.Scalar> items = keys.scalars("kinds");
        if (items == null) {
            return null;
        }
        Set<String> kinds = new LinkedHashSet<>();
        for (YamlNode.Scalar item : items) {
            if (Kind.lookup(item.text()).isEmpty()) {
                keys.problems().add(item.line(), keys.field("kinds"), unknownKind(item.text()));
                return null;
            }
            kinds.add(item.text());
        }
        return Set.copyOf(kinds);
    }

    private static String unknownKind(String kind) {
        return "'" + kind + "' is not a kind of the contract; use one of " + Kind.standardNames();
    }
}
