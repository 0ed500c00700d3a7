package coop.steward.collector.alert;

import coop.steward.collector.config.Severity;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which alerts to list: in one of {@code states}, of {@code site} and {@code device} (null for any), of one of
 * {@code severities}, and whose episode, from {@code openedAt} to {@code resolvedAt} (or now while it is active),
 * overlaps {@code [from, to)} (null for no bound). With a bound, alerts.db is read too, so that alerts older than
 * the latest ones kept in memory are found.
 */
public record AlertQuery(Set<AlertState> states, String site, String device, Set<Severity> severities, Long from,
                         Long to) {
    public AlertQuery {
        states = Set.copyOf(states);
        severities = Set.copyOf(severities);
    }

    /** Alerts in these states, of one site or (null) all. */
    public static AlertQuery of(Set<AlertState> states, String site) {
        return new AlertQuery(states, site, null, EnumSet.allOf(Severity.class), null, null);
    }

    boolean readsHistory() {
        return from != null || to != null;
    }

    boolean matches(Alert alert, long now) {
        if (!states.contains(alert.state()) || !severities.contains(alert.severity())
                || site != null && !site.equals(alert.site()) || device != null && !device.equals(alert.device())) {
            return false;
        }
        long end = alert.resolvedAt() != null ? alert.resolvedAt() : Math.max(now, alert.openedAt());
        // An episode that cleared at the reading that raised it still happened at that moment.
        end = Math.max(end, alert.openedAt() + 1);
        return (to == null || alert.openedAt() < to) && (from == null || end > from);
    }
}
