package coop.steward.collector.config;

import java.time.Duration;
import java.util.List;

/**
 * The {@code alerts:} section, with the shipped rule sets already merged in: the rules to evaluate, how often an
 * open alert is sent again, when readings count as found late, where alerts are POSTed, and the solar arrays.
 */
public record AlertsConfig(List<RuleConfig> rules, Duration renotify, Duration lateAfter,
                           List<WebhookConfig> webhooks, List<ArrayConfig> arrays) {
    public AlertsConfig {
        rules = List.copyOf(rules);
        webhooks = List.copyOf(webhooks);
        arrays = List.copyOf(arrays);
    }
}
