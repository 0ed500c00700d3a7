package coop.steward.agent.actuator;

import com.fasterxml.jackson.databind.JsonNode;
import coop.steward.protocol.ProtocolJson;
import java.io.IOException;

/**
 * A command from {@code .../cmd}: {@code {"v":1, "id":"c-17", "actuator":"valve", "action":"open",
 * "seconds":600}}, or {@code "action":"close"}; {@code t}, the time it was sent in epoch milliseconds, is optional.
 *
 * @param seconds for {@code open}, how long; null for {@code close}
 * @param t       when it was sent, or null
 */
record Command(String id, String actuator, String action, Double seconds, Long t) {
    static final String OPEN = "open";
    static final String CLOSE = "close";
    static final int MAX_ID_LENGTH = 128;

    /** A command that cannot be carried out as sent; {@code id} is null when none could be read. */
    static final class Invalid extends RuntimeException {
        private final String id;

        Invalid(String id, String reason) {
            super(reason);
            this.id = id;
        }

        String id() {
            return id;
        }
    }

    /** Parses a payload; throws {@link Invalid} with the reason to send back. */
    static Command parse(byte[] payload) {
        JsonNode root;
        try {
            root = ProtocolJson.mapper().readTree(payload);
        } catch (IOException e) {
            throw new Invalid(null, "not JSON: send a JSON object such as {\"v\":1,\"id\":\"c-1\",\"actuator\":"
                    + "\"valve\",\"action\":\"close\"}");
        }
        if (root == null || !root.isObject()) {
            throw new Invalid(null, "not a JSON object");
        }
        JsonNode idNode = root.path("id");
        if (!idNode.isTextual() || idNode.asText().isEmpty() || idNode.asText().length() > MAX_ID_LENGTH) {
            throw new Invalid(null, "id must be a string of 1 to " + MAX_ID_LENGTH + " characters, so that the ack "
                    + "can name the command");
        }
        String id = idNode.asText();
        if (!root.path("v").isIntegralNumber() || root.path("v").asInt() != 1) {
            throw new Invalid(id, "v must be 1");
        }
        JsonNode actuator = root.path("actuator");
        if (!actuator.isTextual()) {
            throw new Invalid(id, "actuator must name one of the device's actuators, such as \"valve\"");
        }
        String action = root.path("action").asText("");
        if (!action.equals(OPEN) && !action.equals(CLOSE)) {
            throw new Invalid(id, "action must be \"open\" or \"close\", not " + root.path("action"));
        }
        Double seconds = null;
        if (action.equals(OPEN)) {
            JsonNode secondsNode = root.path("seconds");
            if (!secondsNode.isNumber() || !Double.isFinite(secondsNode.asDouble()) || secondsNode.asDouble() <= 0) {
                throw new Invalid(id, "open needs seconds, a number more than 0: how long the valve stays open");
            }
            seconds = secondsNode.asDouble();
        }
        JsonNode t = root.path("t");
        if (!t.isMissingNode() && !t.isNull() && !t.isIntegralNumber()) {
            throw new Invalid(id, "t must be the time the command was sent, in epoch milliseconds");
        }
        return new Command(id, actuator.asText(), action, seconds, t.isIntegralNumber() ? t.asLong() : null);
    }
}
