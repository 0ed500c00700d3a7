package coop.steward.collector.alert;

/**
 * What happened to an alert: raised, acknowledged, resolved, or a reminder that it is still open. {@code event} is
 * the line this change adds to the alert's history (an acknowledgement: who and their note), or null.
 */
record AlertChange(Alert alert, Kind kind, AlertEvent event) {
    AlertChange(Alert alert, Kind kind) {
        this(alert, kind, null);
    }

    enum Kind {
        RAISED("raised"), ACKNOWLEDGED("acknowledged"), RESOLVED("resolved"), REMINDER("reminder");

        private final String code;

        Kind(String code) {
            this.code = code;
        }

        String code() {
            return code;
        }
    }
}
