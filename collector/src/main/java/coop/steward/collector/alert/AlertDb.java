package coop.steward.collector.alert;

import coop.steward.collector.config.Severity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code alerts.db}, an SQLite file (WAL) in the collector's data folder, whichever store holds the readings: every
 * alert with its whole history, and what rules must remember across a restart. Blocking: called on a worker only.
 */
final class AlertDb implements AutoCloseable {
    static final String FILE = "alerts.db";

    private static final String COLUMNS = "id, rule, severity, site, device, sensor, state, message, value, opened_at, "
            + "acknowledged_at, resolved_at, late, detected_at, since, resolution, note, acknowledged_by";

    private final Connection connection;

    private AlertDb(Connection connection) {
        this.connection = connection;
    }

    static AlertDb open(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
            Connection connection = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve(FILE));
            try (Statement st = connection.createStatement()) {
                st.execute("PRAGMA journal_mode=WAL");
                st.execute("PRAGMA synchronous=NORMAL");
                st.execute("PRAGMA busy_timeout=5000");
                st.execute("CREATE TABLE IF NOT EXISTS alerts (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, "
                        + "rule TEXT NOT NULL, severity TEXT NOT NULL, site TEXT NOT NULL, device TEXT, sensor TEXT, "
                        + "state TEXT NOT NULL, message TEXT NOT NULL, value REAL, opened_at INTEGER NOT NULL, "
                        + "acknowledged_at INTEGER, resolved_at INTEGER, late INTEGER NOT NULL, "
                        + "detected_at INTEGER NOT NULL, since INTEGER, resolution TEXT)");
                st.execute("CREATE INDEX IF NOT EXISTS alerts_by_state ON alerts (state, opened_at)");
                st.execute("CREATE INDEX IF NOT EXISTS alerts_by_opened ON alerts (opened_at)");
                addNoteColumn(st);
                addAcknowledgedByColumn(st);
                st.execute("CREATE TABLE IF NOT EXISTS alert_event (alert_id TEXT NOT NULL, at INTEGER NOT NULL, "
                        + "what TEXT NOT NULL, person TEXT, note TEXT)");
                st.execute("CREATE INDEX IF NOT EXISTS alert_event_by_alert ON alert_event (alert_id, at)");
                st.execute("CREATE TABLE IF NOT EXISTS rule_state (rule TEXT PRIMARY KEY, state TEXT NOT NULL, "
                        + "saved_at INTEGER NOT NULL)");
            }
            return new AlertDb(connection);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the alert store " + dataDir.resolve(FILE) + ": "
                    + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data folder " + dataDir, e);
        }
    }

    /** alerts.db files from before acknowledgement notes get the column; a note is null until someone writes one. */
    private static void addNoteColumn(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT 1 FROM pragma_table_info('alerts') WHERE name = 'note'")) {
            if (rs.next()) {
                return;
            }
        }
        st.execute("ALTER TABLE alerts ADD COLUMN note TEXT");
    }

    /** alerts.db files from before people had names get the column; null for acknowledgements before then. */
    private static void addAcknowledgedByColumn(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery(
                "SELECT 1 FROM pragma_table_info('alerts') WHERE name = 'acknowledged_by'")) {
            if (rs.next()) {
                return;
            }
        }
        st.execute("ALTER TABLE alerts ADD COLUMN acknowledged_by TEXT");
    }

    /**
     * Stored alerts the query may match, oldest bound first: those opened before {@code to} and not resolved before
     * {@code from}, then checked one by one.
     */
    List<Alert> find(AlertQuery query, long now) throws SQLException {
        List<Alert> found = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT " + COLUMNS + " FROM alerts WHERE opened_at < ? "
                + "AND (resolved_at IS NULL OR resolved_at >= ?)" + (query.site() == null ? "" : " AND site = ?"))) {
            ps.setLong(1, query.to() == null ? Long.MAX_VALUE : query.to());
            ps.setLong(2, query.from() == null ? Long.MIN_VALUE : query.from());
            if (query.site() != null) {
                ps.setString(3, query.site());
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Alert alert = alert(rs);
                    if (query.matches(alert, now)) {
                        found.add(alert);
                    }
                }
            }
        }
        return found;
    }

    /** The active alerts, the latest resolved ones, the last resolution of every rule and subject, and the next id. */
    AlertBook.Restored load(int resolvedKept) throws SQLException {
        List<Alert> alerts = new ArrayList<>();
        try (Statement st = connection.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT " + COLUMNS + " FROM alerts WHERE state <> 'resolved'")) {
                while (rs.next()) {
                    alerts.add(alert(rs));
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT " + COLUMNS + " FROM alerts WHERE state = 'resolved' "
                    + "ORDER BY seq DESC LIMIT " + resolvedKept)) {
                while (rs.next()) {
                    alerts.add(alert(rs));
                }
            }
            Map<AlertBook.Key, Long> lastResolved = new HashMap<>();
            try (ResultSet rs = st.executeQuery("SELECT rule, site, device, sensor, MAX(resolved_at) FROM alerts "
                    + "WHERE state = 'resolved' GROUP BY rule, site, device, sensor")) {
                while (rs.next()) {
                    lastResolved.put(new AlertBook.Key(rs.getString(1), new Subject(rs.getString(2), rs.getString(3),
                            rs.getString(4))), rs.getLong(5));
                }
            }
            long next;
            try (ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(seq), 0) + 1 FROM alerts")) {
                rs.next();
                next = rs.getLong(1);
            }
            return new AlertBook.Restored(alerts, lastResolved, next);
        }
    }

    Map<String, String> ruleStates() throws SQLException {
        Map<String, String> states = new HashMap<>();
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT rule, state FROM rule_state")) {
            while (rs.next()) {
                states.put(rs.getString(1), rs.getString(2));
            }
        }
        return states;
    }

    /** Inserts or updates the alerts in one transaction. */
    void write(List<Alert> alerts) throws SQLException {
        write(alerts, List.of());
    }

    /** Inserts or updates the alerts, and adds the lines of their histories, in one transaction. */
    void write(List<Alert> alerts, List<AlertEvent> events) throws SQLException {
        connection.setAutoCommit(false);
        try (PreparedStatement history = connection.prepareStatement("INSERT INTO alert_event (alert_id, at, what, "
                + "person, note) VALUES (?, ?, ?, ?, ?)");
             PreparedStatement ps = connection.prepareStatement("INSERT OR REPLACE INTO alerts (seq, " + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (Alert a : alerts) {
                ps.setLong(1, AlertBook.seq(a.id()));
                ps.setString(2, a.id());
                ps.setString(3, a.rule());
                ps.setString(4, a.severity().code());
                ps.setString(5, a.site());
                ps.setString(6, a.device());
                ps.setString(7, a.sensor());
                ps.setString(8, a.state().code());
                ps.setString(9, a.message());
                setDouble(ps, 10, a.value());
                ps.setLong(11, a.openedAt());
                setLong(ps, 12, a.acknowledgedAt());
                setLong(ps, 13, a.resolvedAt());
                ps.setInt(14, a.late() ? 1 : 0);
                ps.setLong(15, a.detectedAt());
                setLong(ps, 16, a.since());
                ps.setString(17, a.resolution());
                ps.setString(18, a.note());
                ps.setString(19, a.acknowledgedBy());
                ps.addBatch();
            }
            ps.executeBatch();
            for (AlertEvent event : events) {
                history.setString(1, event.alertId());
                history.setLong(2, event.at());
                history.setString(3, event.what().code());
                history.setString(4, event.person());
                history.setString(5, event.note());
                history.addBatch();
            }
            history.executeBatch();
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /** The alert of that id, whatever its state and age. */
    Optional<Alert> get(String id) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT " + COLUMNS + " FROM alerts WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(alert(rs)) : Optional.empty();
            }
        }
    }

    /** The stored lines of the alert's history, oldest first. */
    List<AlertEvent> history(String id) throws SQLException {
        List<AlertEvent> events = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT at, what, person, note FROM alert_event "
                + "WHERE alert_id = ? ORDER BY at, rowid")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    events.add(new AlertEvent(id, rs.getLong(1), AlertEvent.What.of(rs.getString(2)),
                            rs.getString(3), rs.getString(4)));
                }
            }
        }
        return events;
    }

    void saveRuleStates(Map<String, String> states, long now) throws SQLException {
        connection.setAutoCommit(false);
        try (PreparedStatement ps = connection.prepareStatement("INSERT OR REPLACE INTO rule_state (rule, state, "
                + "saved_at) VALUES (?, ?, ?)")) {
            for (Map.Entry<String, String> e : states.entrySet()) {
                ps.setString(1, e.getKey());
                ps.setString(2, e.getValue());
                ps.setLong(3, now);
                ps.addBatch();
            }
            ps.executeBatch();
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw new IllegalStateException("closing the alert store failed: " + e.getMessage(), e);
        }
    }

    private static Alert alert(ResultSet rs) throws SQLException {
        return new Alert(rs.getString(1), rs.getString(2), Severity.valueOf(rs.getString(3).toUpperCase(
                java.util.Locale.ROOT)), rs.getString(4), rs.getString(5), rs.getString(6),
                AlertState.of(rs.getString(7)), rs.getString(8), nullableDouble(rs, 9), rs.getLong(10),
                nullableLong(rs, 11), nullableLong(rs, 12), rs.getInt(13) == 1, rs.getLong(14), nullableLong(rs, 15),
                rs.getString(16), rs.getString(17), rs.getString(18));
    }

    private static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    private static Double nullableDouble(ResultSet rs, int column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? null : v;
    }

    private static void setLong(PreparedStatement ps, int index, Long value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.INTEGER);
        } else {
            ps.setLong(index, value);
        }
    }

    private static void setDouble(PreparedStatement ps, int index, Double value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.REAL);
        } else {
            ps.setDouble(index, value);
        }
    }
}
