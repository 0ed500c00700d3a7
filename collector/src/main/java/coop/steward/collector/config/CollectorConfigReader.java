package coop.steward.collector.config;

import coop.steward.config.Problems;
import coop.steward.config.YamlNode;
import coop.steward.config.YamlTreeReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the collector's YAML: {@code store:}, {@code sites:}, {@code sharing:}, {@code neighbours:},
 * {@code help:} and {@code alerts:}, with the chosen shipped rule sets merged in.
 */
final class CollectorConfigReader {
    private final Problems problems;

    CollectorConfigReader(String sourceName) {
        this.problems = new Problems(sourceName);
    }

    CollectorConfig read(String yaml) {
        YamlNode root = YamlTreeReader.read(yaml, problems, null);
        Keys top = root == null ? Keys.of(new YamlNode.Scalar(0, YamlNode.Scalar.Type.NULL, "", null), 0, "",
                problems) : Keys.of(root, 1, "", problems);
        CollectorConfig config = null;
        if (top != null) {
            top.allowOnly("store", "sites", "alerts", "sharing", "neighbours", "help");
            Keys store = top.has("store") ? top.block("store") : empty("store");
            if (store != null) {
                store.allowOnly("rawRetentionDays", "maxDevices", "maxSeries", "maxSensorsPerDevice");
            }
            Duration retention = retention(store);
            Limits limits = limits(store);
            List<SiteConfig> sites = SiteReader.read(top, problems);
            AlertsConfig alerts = alerts(top.has("alerts") ? top.block("alerts") : empty("alerts"));
            Sharing sharing = SharingReader.read(top, problems);
            Neighbours neighbours = NeighboursReader.read(top, problems);
            Help help = HelpReader.read(top, problems);
            config = retention == null || limits == null || sites == null || alerts == null || sharing == null
                    || neighbours == null || help == null ? null
                    : new CollectorConfig(retention, alerts, sites, limits, sharing, neighbours, help);
        }
        problems.throwIfAny();
        return config;
    }

    private Keys empty(String path) {
        return Keys.of(new YamlNode.Scalar(0, YamlNode.Scalar.Type.NULL, "", null), 0, path, problems);
    }

    private static Duration retention(Keys store) {
        if (store == null) {
            return null;
        }
        Integer days = store.whole("rawRetentionDays", 1, 36_500, 90);
        return days == null ? null : Duration.ofDays(days);
    }

    private static Limits limits(Keys store) {
        if (store == null) {
            return null;
        }
        Limits defaults = Limits.DEFAULT;
        Integer devices = store.whole("maxDevices", 1, 10_000_000, defaults.maxDevices());
        Integer series = store.whole("maxSeries", 1, 100_000_000, defaults.maxSeries());
        Integer perDevice = store.whole("maxSensorsPerDevice", 1, 100_000_000, defaults.maxSensorsPerDevice());
        return devices == null || series == null || perDevice == null ? null
                : new Limits(devices, series, perDevice);
    }

    private AlertsConfig alerts(Keys alerts) {
        if (alerts == null) {
            return null;
        }
        int mark = problems.count();
        alerts.allowOnly("defaults", "renotifyMinutes", "lateAfterMinutes", "webhooks", "arrays", "rules");
        Integer renotify = alerts.whole("renotifyMinutes", 0, 10_080, 240);
        Integer lateAfter = alerts.whole("lateAfterMinutes", 1, 1_440, 5);
        List<WebhookConfig> webhooks = webhooks(alerts);
        List<ArrayConfig> arrays = arrays(alerts);
        Map<String, RuleConfig> rules = new LinkedHashMap<>();
        for (String set : defaultSets(alerts)) {
            ShippedRules.load(set).forEach(rule -> rules.put(rule.id(), rule));
        }
        userRules(alerts, rules);
        if (!problems.noneSince(mark)) {
            return null;
        }
        return new AlertsConfig(List.copyOf(rules.values()), Duration.ofMinutes(renotify),
                Duration.ofMinutes(lateAfter), webhooks, arrays);
    }

    private List<String> defaultSets(Keys alerts) {
        if (!alerts.has("defaults")) {
            return ShippedRules.SETS;
        }
        List<YamlNode.Scalar> items = alerts.scalars("defaults");
        if (items == null) {
            return List.of();
        }
        List<String> sets = new ArrayList<>();
        for (YamlNode.Scalar item : items) {
            if (!ShippedRules.SETS.contains(item.text())) {
                problems.add(item.line(), alerts.field("defaults"), "'" + item.text() + "' is not a shipped rule "
                        + "set; the sets are " + String.join(", ", ShippedRules.SETS) + " (or [] for none)");
            } else {
                sets.add(item.text());
            }
        }
        return sets;
    }

    /** A rule whose id is a shipped one's replaces it; {@code enabled: false} removes it. */
    private void userRules(Keys alerts, Map<String, RuleConfig> rules) {
        List<YamlNode> items = alerts.list("rules");
        if (items == null) {
            return;
        }
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (int i = 0; i < items.size(); i++) {
            String path = alerts.field("rules") + "[" + i + "]";
            RuleReader.Entry entry = RuleReader.read(items.get(i), path, problems);
            if (entry == null) {
                continue;
            }
            Integer earlier = seen.putIfAbsent(entry.id(), entry.line());
            if (earlier != null) {
                problems.add(entry.line(), path + ".id", "the rule id '" + entry.id() + "' is used twice, here and "
                        + "on line " + earlier + "; give each rule its own id");
            } else if (!entry.enabled()) {
                if (rules.remove(entry.id()) == null && entry.config() == null) {
                    problems.add(entry.line(), path + ".id", "no shipped rule has the id '" + entry.id()
                            + "', so there is nothing to switch off; the shipped ids are "
                            + String.join(", ", rules.keySet()));
                }
            } else if (entry.config() != null) {
                rules.put(entry.id(), entry.config());
            }
        }
    }

    private List<WebhookConfig> webhooks(Keys alerts) {
        List<YamlNode> items = alerts.list("webhooks");
        List<WebhookConfig> webhooks = new ArrayList<>();
        for (int i = 0; items != null && i < items.size(); i++) {
            Keys hook = Keys.of(items.get(i), items.get(i).line(), alerts.field("webhooks") + "[" + i + "]", problems);
            if (hook == null) {
                continue;
            }
            hook.allowOnly("url", "headers");
            URI url = hook.require("url", "url: https://hooks.example.org/steward") ? url(hook) : null;
            Map<String, String> headers = new LinkedHashMap<>();
            Keys block = hook.block("headers");
            if (block != null) {
                block.entries().keySet().forEach(name -> {
                    String value = block.text(name, null);
                    if (value != null) {
                        headers.put(name, value);
                    }
                });
            }
            if (url != null) {
                webhooks.add(new WebhookConfig(url, headers));
            }
        }
        return webhooks;
    }

    private static URI url(Keys hook) {
        String text = hook.text("url", null);
        if (text == null) {
            return null;
        }
        try {
            URI url = new URI(text);
            if (("http".equals(url.getScheme()) || "https".equals(url.getScheme())) && url.getHost() != null) {
                return url;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        hook.error("url", "'" + text + "' is not an http:// or https:// URL with a host");
        return null;
    }

    private List<ArrayConfig> arrays(Keys alerts) {
        List<YamlNode> items = alerts.list("arrays");
        List<ArrayConfig> arrays = new ArrayList<>();
        for (int i = 0; items != null && i < items.size(); i++) {
            Keys array = Keys.of(items.get(i), items.get(i).line(), alerts.field("arrays") + "[" + i + "]", problems);
            if (array == null) {
                continue;
            }
            array.allowOnly("site", "device", "sensor", "peakPowerW", "facing");
            String site = array.require("site", "site: solar-array") ? array.id("site") : null;
            String device = array.require("device", "device: array-1") ? array.id("device") : null;
            String sensor = array.id("sensor");
            Double peak = array.require("peakPowerW", "peakPowerW: 2400")
                    ? array.number("peakPowerW", 1, 1e9, null) : null;
            String facing = array.text("facing", null);
            if (facing != null && !ArrayConfig.FACINGS.contains(facing)) {
                array.error("facing", "'" + facing + "' is not a way an array faces; give one of "
                        + String.join(", ", ArrayConfig.FACINGS) + ", or leave it out when unknown");
                facing = null;
            }
            if (site != null && device != null && peak != null && (sensor != null || !array.has("sensor"))) {
                arrays.add(new ArrayConfig(site, device, sensor, peak, facing));
            }
        }
        return arrays;
    }
}
