package coop.steward.collector.alert;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** An alert with its history, oldest first: opened, who was told, who acknowledged it and what they wrote, resolved. */
public record AlertHistory(Alert alert, List<AlertEvent> events) {

    /** The stored lines between the opening and the resolution, which the alert itself records. */
    static AlertHistory of(Alert alert, List<AlertEvent> stored) {
        List<AlertEvent> events = new ArrayList<>();
        events.add(new AlertEvent(alert.id(), alert.openedAt(), AlertEvent.What.OPENED, null, null));
        events.addAll(stored);
        boolean acknowledgementKept = stored.stream().anyMatch(e -> e.what() == AlertEvent.What.ACKNOWLEDGED);
        if (!acknowledgementKept && alert.acknowledgedAt() != null) {
            // Acknowledged before histories were kept: the alert still says who and when.
            events.add(new AlertEvent(alert.id(), alert.acknowledgedAt(), AlertEvent.What.ACKNOWLEDGED,
                    alert.acknowledgedBy(), alert.note()));
        }
        if (alert.resolvedAt() != null) {
            events.add(new AlertEvent(alert.id(), alert.resolvedAt(), AlertEvent.What.RESOLVED, null,
                    alert.resolution()));
        }
        // Stable: lines of the same millisecond stay in the order they happened.
        events.sort(Comparator.comparingLong(AlertEvent::at));
        return new AlertHistory(alert, List.copyOf(events));
    }

    /** The alert's JSON with {@code history} added. */
    public JsonObject toJson() {
        JsonArray history = new JsonArray();
        events.forEach(event -> history.add(event.toJson()));
        return alert.toJson().put("history", history);
    }
}
