package coop.steward.collector.alert;

import coop.steward.collector.config.Severity;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;

/** Alerts written to a data folder's alerts.db before the collector starts, as an earlier run left them. */
public final class StoredAlerts {
    private StoredAlerts() {
    }

    public static void write(Path dataDir, List<Alert> alerts) throws SQLException {
        try (AlertDb db = AlertDb.open(dataDir)) {
            db.write(alerts);
        }
    }

    /** An alert of bed {@code device}'s soil-a that opened at {@code openedAt} and, unless null, resolved. */
    public static Alert alert(int seq, String rule, Severity severity, String device, long openedAt,
                              Long acknowledgedAt, Long resolvedAt) {
        AlertState state = resolvedAt != null ? AlertState.RESOLVED
                : acknowledgedAt != null ? AlertState.ACKNOWLEDGED : AlertState.OPEN;
        return new Alert("a" + seq, rule, severity, "food-forest", device, "soil-a", state, rule + " at " + device,
                18.0, openedAt, acknowledgedAt, resolvedAt, false, openedAt, null,
                resolvedAt == null ? null : "cleared", null);
    }
}
