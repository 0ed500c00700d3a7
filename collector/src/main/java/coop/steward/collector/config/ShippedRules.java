package coop.steward.collector.config;

import coop.steward.config.Problems;
import coop.steward.config.YamlNode;
import coop.steward.config.YamlTreeReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The rule sets shipped in the jar under {@code alerts/}: each a YAML file with a {@code rules:} list in the same
 * format as the configuration's own, every number commented with its reason.
 */
final class ShippedRules {
    /** In the order they are merged; {@code alerts.defaults} picks from these. */
    static final List<String> SETS = List.of("devices", "food-forest", "solar-array");

    private ShippedRules() {
    }

    static List<RuleConfig> load(String set) {
        String resource = "/alerts/" + set + ".yaml";
        String yaml;
        try (InputStream in = ShippedRules.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the shipped rule set " + resource + " is missing from the jar");
            }
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return parse(yaml, "shipped rule set " + resource);
    }

    static List<RuleConfig> parse(String yaml, String source) {
        Problems problems = new Problems(source);
        YamlNode root = YamlTreeReader.read(yaml, problems, "the rule set is empty");
        List<RuleConfig> rules = new ArrayList<>();
        Keys top = root == null ? null : Keys.of(root, 1, "", problems);
        List<YamlNode> items = top == null ? null : top.allowOnly("rules").list("rules");
        for (int i = 0; items != null && i < items.size(); i++) {
            RuleReader.Entry entry = RuleReader.read(items.get(i), "rules[" + i + "]", problems);
            if (entry != null && entry.config() != null && entry.enabled()) {
                rules.add(entry.config());
            }
        }
        problems.throwIfAny();
        return rules;
    }
}
