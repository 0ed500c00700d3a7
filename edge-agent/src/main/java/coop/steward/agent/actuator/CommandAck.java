package coop.steward.agent.actuator;

import coop.steward.protocol.WireJson;

/**
 * The payload of {@code .../cmd/ack}: what the agent did with one command.
 *
 * @param id      the command's id, or null when the command had none that could be read
 * @param outcome {@code done} or {@code refused}
 * @param reason  for {@code refused}, a sentence saying why
 * @param state   the actuator's state afterwards (0 closed, 1 open), or null when no actuator was named
 */
public record CommandAck(int v, String id, String outcome, String reason, Integer state) {
    public static final String DONE = "done";
    public static final String REFUSED = "refused";

    /** The payload; members that are null are left out. */
    byte[] toJson() {
        return WireJson.write(json -> {
            json.writeStartObject();
            json.writeNumberField("v", v);
            if (id != null) {
                json.writeStringField("id", id);
            }
            json.writeStringField("outcome", outcome);
            if (reason != null) {
                json.writeStringField("reason", reason);
            }
            if (state != null) {
                json.writeNumberField("state", state);
            }
            json.writeEndObject();
        });
    }

    static CommandAck done(String id, boolean open) {
        return new CommandAck(1, id, DONE, null, open ? 1 : 0);
    }

    static CommandAck refused(String id, String reason, Boolean open) {
        return new CommandAck(1, id, REFUSED, reason, open == null ? null : open ? 1 : 0);
    }
}
