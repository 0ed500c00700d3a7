package coop.steward.agent.actuator;

import coop.steward.protocol.Untrusted;
import coop.steward.protocol.WireJson;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;

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
        Map<String, Object> root;
        try {
            root = WireJson.flatObject(payload);
        } catch (IOException e) {
            throw new Invalid(null, "not JSON: send a JSON object such as {\"v\":1,\"id\":\"c-1\",\"actuator\":"
                    + "\"valve\",\"action\":\"close\"}");
        }
        if (root == null) {
            throw new Invalid(null, "not a JSON object");
        }
        if (!(root.get("id") instanceof String id) || id.isEmpty() || id.length() > MAX_ID_LENGTH) {
            throw new Invalid(null, "id must be a string of 1 to " + MAX_ID_LENGTH + " characters, so that the ack "
                    + "can name the command");
        }
        if (!(root.get("v") instanceof Long v) || v != 1) {
            throw new Invalid(id, "v must be 1");
        }
        if (!(root.get("actuator") instanceof String actuator)) {
            throw new Invalid(id, "actuator must name one of the device's actuators, such as \"valve\"");
        }
        Object action = root.get("action");
        if (!OPEN.equals(action) && !CLOSE.equals(action)) {
            throw new Invalid(id, "action must be \"open\" or \"close\", not " + describe(action));
        }
        Double seconds = null;
        if (action.equals(OPEN)) {
            if (!(root.get("seconds") instanceof Number number) || !Double.isFinite(number.doubleValue())
                    || number.doubleValue() <= 0) {
                throw new Invalid(id, "open needs seconds, a number more than 0: how long the valve stays open");
            }
            seconds = number.doubleValue();
        }
        Object t = root.get("t");
        if (t != null && t != WireJson.Null.NULL && !(t instanceof Long)) {
            throw new Invalid(id, "t must be the time the command was sent, in epoch milliseconds");
        }
        return new Command(id, actuator, (String) action, seconds, t instanceof Long sent ? sent : null);
    }

    /** A member's value as the sender wrote it, near enough to recognise. */
    private static String describe(Object value) {
        if (value == null) {
            return "missing";
        }
        String written = value instanceof String text ? "\"" + text + "\""
                : String.valueOf(value).toLowerCase(Locale.ROOT);
        return Untrusted.cut(written, Actuators.MAX_ECHOED);
    }
}
