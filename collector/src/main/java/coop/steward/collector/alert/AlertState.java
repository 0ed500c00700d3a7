package coop.steward.collector.alert;

import java.util.Locale;

/** An alert's place in its life: open, then acknowledged by a person (or not), then resolved when the condition clears. */
public enum AlertState {
    OPEN, ACKNOWLEDGED, RESOLVED;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    static AlertState of(String code) {
        return valueOf(code.toUpperCase(Locale.ROOT));
    }
}
