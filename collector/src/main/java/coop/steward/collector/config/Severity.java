package coop.steward.collector.config;

import java.util.Locale;

/** How urgent an alert is, as the contract spells it: info, warning or critical. */
public enum Severity {
    INFO, WARNING, CRITICAL;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
