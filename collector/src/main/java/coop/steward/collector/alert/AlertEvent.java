package coop.steward.collector.alert;

import io.vertx.core.json.JsonObject;

/**
 * One line of an alert's history beside its opening and resolution: a person acknowledged it (perhaps with a note),
 * or a person was told of it (the note says why: on duty, or unanswered and passed on), or was not told although
 * the escalation reached them (in their quiet hours), or the site asked its neighbours for help with it. Kept in {@code alerts.db}
 * for as long as the alert is.
 *
 * @param person who acknowledged or was told; null when an open collector knows no names
 * @param note   what they wrote, or why they were told; null for nothing
 */
public record AlertEvent(String alertId, long at, What what, String person, String note) {

    public enum What {
        OPENED("opened"), ACKNOWLEDGED("acknowledged"), TOLD("told"), NOT_TOLD("not told"),
        /** Nobody at the site answered it: offered to the stewards of neighbouring sites that help. */
        ASKED("asked neighbours"), RESOLVED("resolved");

        private final String code;

        What(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }

        static What of(String code) {
            for (What what : values()) {
                if (what.code.equals(code)) {
                    return what;
                }
            }
            throw new IllegalArgumentException("no alert history entry '" + code + "'");
        }
    }

    public JsonObject toJson() {
        return new JsonObject().put("at", at).put("what", what.code()).put("person", person).put("note", note);
    }
}
