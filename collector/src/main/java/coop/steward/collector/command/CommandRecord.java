package coop.steward.collector.command;

import io.vertx.core.json.JsonObject;

/**
 * A command someone sent a device from the dashboard or API, and what came of it.
 *
 * @param outcome {@code sent} until the device answers, then its {@code done} or {@code refused}, or
 *                {@code no_answer} when it did not answer in time
 * @param state   the actuator afterwards (0 closed, 1 open), as the device said; null until then
 */
public record CommandRecord(String id, long sentAt, String site, String device, String actuator, String action,
                            Integer seconds, String person, String outcome, String reason, Integer state,
                            Long answeredAt) {
    public static final String SENT = "sent";
    public static final String NO_ANSWER = "no_answer";

    CommandRecord answered(String outcome, String reason, Integer state, long at) {
        return new CommandRecord(id, sentAt, site, device, actuator, action, seconds, person, outcome, reason, state,
                at);
    }

    public JsonObject toJson() {
        return new JsonObject().put("id", id).put("sentAt", sentAt).put("site", site).put("device", device)
                .put("actuator", actuator).put("action", action).put("seconds", seconds).put("person", person)
                .put("outcome", outcome).put("reason", reason).put("state", state).put("answeredAt", answeredAt);
    }
}
