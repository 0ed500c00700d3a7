package coop.steward.collector.alert;

import coop.steward.collector.config.Severity;
import io.vertx.core.json.JsonObject;

/**
 * One alert as the contract shows it. {@code openedAt} and {@code resolvedAt} are data times: the times of the
 * readings that raised and cleared it, not when they arrived. {@code acknowledgedAt} is when a person acknowledged
 * it, {@code detectedAt} when the collector raised it (its own clock); {@code late} says the readings that raised
 * it arrived late (an agent's replay after an outage). {@code device} and {@code sensor} are null for alerts about
 * a whole site or device. {@code note} is what the person who acknowledged it wrote, or null; {@code acknowledgedBy}
 * who that was, or null (an open collector knows no names).
 */
public record Alert(String id, String rule, Severity severity, String site, String device, String sensor,
                    AlertState state, String message, Double value, long openedAt, Long acknowledgedAt,
                    Long resolvedAt, boolean late, long detectedAt, Long since, String resolution, String note,
                    String acknowledgedBy) {

    /** Not acknowledged by anyone known. */
    public Alert(String id, String rule, Severity severity, String site, String device, String sensor,
                 AlertState state, String message, Double value, long openedAt, Long acknowledgedAt,
                 Long resolvedAt, boolean late, long detectedAt, Long since, String resolution, String note) {
        this(id, rule, severity, site, device, sensor, state, message, value, openedAt, acknowledgedAt, resolvedAt,
                late, detectedAt, since, resolution, note, null);
    }

    /**
     * The alert a collector published ({@link #toJson}), or null when the text is not one: at a hub of several
     * collectors, how one learns the open alerts of a site it takes over.
     */
    public static Alert fromJson(JsonObject json) {
        try {
            String id = json.getString("id");
            AlertState state = AlertState.of(json.getString("state"));
            Severity severity = Severity.valueOf(json.getString("severity").toUpperCase(java.util.Locale.ROOT));
            if (id == null || !id.matches("a[0-9]{1,18}") || state == null || json.getString("rule") == null
                    || json.getString("site") == null) {
                return null;
            }
            return new Alert(id, json.getString("rule"), severity, json.getString("site"), json.getString("device"),
                    json.getString("sensor"), state, json.getString("message", ""), json.getDouble("value"),
                    json.getLong("openedAt"), json.getLong("acknowledgedAt"), json.getLong("resolvedAt"),
                    json.getBoolean("late", false), json.getLong("detectedAt"), json.getLong("since"),
                    json.getString("resolution"), json.getString("note"), json.getString("acknowledgedBy"));
        } catch (RuntimeException e) {
            return null;
        }
    }

    public boolean isActive() {
        return state != AlertState.RESOLVED;
    }

    Subject subject() {
        return new Subject(site, device, sensor);
    }

    Alert acknowledged(long at, String withNote, String by) {
        return new Alert(id, rule, severity, site, device, sensor, AlertState.ACKNOWLEDGED, message, value, openedAt,
                at, resolvedAt, late, detectedAt, since, resolution, withNote, by);
    }

    Alert noted(String withNote) {
        return new Alert(id, rule, severity, site, device, sensor, state, message, value, openedAt, acknowledgedAt,
                resolvedAt, late, detectedAt, since, resolution, withNote, acknowledgedBy);
    }

    Alert resolved(long at, String why) {
        return new Alert(id, rule, severity, site, device, sensor, AlertState.RESOLVED, message, value, openedAt,
                acknowledgedAt, at, late, detectedAt, since, why, note, acknowledgedBy);
    }

    /**
     * The contract's alert object, with {@code late}, {@code detectedAt}, {@code note}, {@code since} and
     * {@code resolution} added.
     */
    public JsonObject toJson() {
        JsonObject json = new JsonObject()
                .put("id", id).put("rule", rule).put("severity", severity.code())
                .put("site", site).put("device", device).put("sensor", sensor)
                .put("state", state.code()).put("message", message).put("value", value)
                .put("openedAt", openedAt).put("acknowledgedAt", acknowledgedAt).put("resolvedAt", resolvedAt)
                .put("late", late).put("detectedAt", detectedAt).put("note", note)
                .put("acknowledgedBy", acknowledgedBy);
        if (since != null) {
            json.put("since", since);
        }
        if (resolution != null) {
            json.put("resolution", resolution);
        }
        return json;
    }
}
