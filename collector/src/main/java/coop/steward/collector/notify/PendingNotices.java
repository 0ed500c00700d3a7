package coop.steward.collector.notify;

import coop.steward.collector.sqlite.SqliteFile;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the {@link Notifier} still owes people, in {@code notify.db}, so that a restart (a power cut, an upgrade)
 * neither drops an unanswered alert's escalation nor the morning digest's alerts. Blocking: call it from a worker.
 */
public final class PendingNotices {
    static final String FILE = "notify.db";

    /** An unanswered alert: who has been told, and when the next person is due to be. */
    record Escalation(JsonObject alert, List<String> onDuty, List<String> stewards, Set<String> told, long afterMs,
                      long nextAt) {
        String id() {
            return alert.getString("id");
        }
    }

    /** All that was pending at start-up. */
    record Pending(List<Escalation> escalations, Map<String, List<JsonObject>> digests,
                   Map<String, LocalDate> lastDigest) {
    }

    private final SqliteFile file;

    private PendingNotices(SqliteFile file) {
        this.file = file;
    }

    public static PendingNotices open(Path dataDir) {
        return new PendingNotices(SqliteFile.open(dataDir, FILE, "the pending notices",
                "CREATE TABLE IF NOT EXISTS escalation (alert_id TEXT PRIMARY KEY, alert TEXT NOT NULL, "
                        + "on_duty TEXT NOT NULL, stewards TEXT NOT NULL, told TEXT NOT NULL, after_ms INTEGER NOT "
                        + "NULL, next_at INTEGER NOT NULL)",
                "CREATE TABLE IF NOT EXISTS digest_entry (name TEXT NOT NULL, alert TEXT NOT NULL)",
                "CREATE TABLE IF NOT EXISTS digest_sent (name TEXT PRIMARY KEY, day TEXT NOT NULL)"));
    }

    Pending load() {
        return file.query(connection -> {
            List<Escalation> escalations = new ArrayList<>();
            Map<String, List<JsonObject>> digests = new LinkedHashMap<>();
            Map<String, LocalDate> lastDigest = new HashMap<>();
            try (Statement statement = connection.createStatement()) {
                try (ResultSet rows = statement.executeQuery("SELECT alert, on_duty, stewards, told, after_ms, "
                        + "next_at FROM escalation")) {
                    while (rows.next()) {
                        escalations.add(new Escalation(new JsonObject(rows.getString(1)), names(rows.getString(2)),
                                names(rows.getString(3)), new LinkedHashSet<>(names(rows.getString(4))),
                                rows.getLong(5), rows.getLong(6)));
                    }
                }
                try (ResultSet rows = statement.executeQuery("SELECT name, alert FROM digest_entry ORDER BY rowid")) {
                    while (rows.next()) {
                        digests.computeIfAbsent(rows.getString(1), n -> new ArrayList<>())
                                .add(new JsonObject(rows.getString(2)));
                    }
                }
                try (ResultSet rows = statement.executeQuery("SELECT name, day FROM digest_sent")) {
                    while (rows.next()) {
                        lastDigest.put(rows.getString(1), LocalDate.parse(rows.getString(2)));
                    }
                }
            }
            return new Pending(escalations, digests, lastDigest);
        });
    }

    void saveEscalation(Escalation escalation) {
        file.update(connection -> {
            try (PreparedStatement upsert = connection.prepareStatement("INSERT OR REPLACE INTO escalation (alert_id, "
                    + "alert, on_duty, stewards, told, after_ms, next_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                upsert.setString(1, escalation.id());
                upsert.setString(2, escalation.alert().encode());
                upsert.setString(3, String.join(",", escalation.onDuty()));
                upsert.setString(4, String.join(",", escalation.stewards()));
                upsert.setString(5, String.join(",", escalation.told()));
                upsert.setLong(6, escalation.afterMs());
                upsert.setLong(7, escalation.nextAt());
                upsert.executeUpdate();
            }
            return null;
        });
    }

    void endEscalation(String alertId) {
        file.update(connection -> delete(connection, "DELETE FROM escalation WHERE alert_id = ?", alertId));
    }

    /** Adds the alert to their digest, dropping the oldest past {@code max}. */
    void queue(String name, JsonObject alert, int max) {
        file.update(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO digest_entry (name, alert) VALUES (?, ?)")) {
                insert.setString(1, name);
                insert.setString(2, alert.encode());
                insert.executeUpdate();
            }
            try (PreparedStatement trim = connection.prepareStatement("DELETE FROM digest_entry WHERE name = ? AND "
                    + "rowid NOT IN (SELECT rowid FROM digest_entry WHERE name = ? ORDER BY rowid DESC LIMIT ?)")) {
                trim.setString(1, name);
                trim.setString(2, name);
                trim.setInt(3, max);
                trim.executeUpdate();
            }
            return null;
        });
    }

    /** Their digest went out on {@code day} (their own date). */
    void digestSent(String name, LocalDate day) {
        file.update(connection -> {
            delete(connection, "DELETE FROM digest_entry WHERE name = ?", name);
            try (PreparedStatement upsert = connection.prepareStatement(
                    "INSERT OR REPLACE INTO digest_sent (name, day) VALUES (?, ?)")) {
                upsert.setString(1, name);
                upsert.setString(2, day.toString());
                upsert.executeUpdate();
            }
            return null;
        });
    }

    private static int delete(java.sql.Connection connection, String sql, String key) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(sql)) {
            delete.setString(1, key);
            return delete.executeUpdate();
        }
    }

    private static List<String> names(String list) {
        return list.isEmpty() ? List.of() : List.of(list.split(","));
    }
}
