package coop.steward.collector.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Every series the embedded store knows, with its latest raw reading, in the table or still pending. */
final class SqliteSensors {
    private SqliteSensors() {
    }

    static List<SensorSummary> list(Connection c, PendingReadings pending) throws SQLException {
        List<SensorSummary> result = new ArrayList<>();
        // Before the table, as a series query reads them: a reading that moves meanwhile is seen in both.
        Map<Long, Point> pendingLatest = pending.latestBySeries();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("""
                     SELECT s.site, s.device, s.sensor, s.kind, s.unit, s.id,
                       (SELECT t FROM reading WHERE series_id = s.id ORDER BY t DESC LIMIT 1) AS t,
                       (SELECT value FROM reading WHERE series_id = s.id ORDER BY t DESC LIMIT 1) AS value
                     FROM series s ORDER BY s.site, s.device, s.sensor
                     """)) {
            while (rs.next()) {
                long t = rs.getLong(7);
                Point last = rs.wasNull() ? null : new Point(t, rs.getDouble(8));
                Point waiting = pendingLatest.get(rs.getLong(6));
                if (waiting != null && (last == null || waiting.t() > last.t())) {
                    last = waiting;
                }
                result.add(new SensorSummary(new SeriesKey(rs.getString(1), rs.getString(2), rs.getString(3)),
                        rs.getString(4), rs.getString(5), last));
            }
        }
        return result;
    }
}
