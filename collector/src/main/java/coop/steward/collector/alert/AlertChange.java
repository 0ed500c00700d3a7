package coop.steward.collector.alert;

/** What happened to an alert: raised, acknowledged, resolved, or a reminder that it is still open. */
record AlertChange(Alert alert, Kind kind) {
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
