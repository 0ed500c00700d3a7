package coop.steward.collector.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/** The {@code device} table: each device's state from its status messages, and when it was last heard. */
final class SqliteDevices {
    private SqliteDevices() {
    }

    /** Within the writer's transaction: readings move a device's last seen time on, statuses set its state. */
    static void write(Connection writer, List<DeviceReadings> batches, List<DeviceStatus> statuses)
            throws SQLException {
        try (PreparedStatement seen = writer.prepareStatement("""
                INSERT INTO device (site, device, state, last_seen) VALUES (?, ?, 'unknown', ?)
                ON CONFLICT (site, device) DO UPDATE SET last_seen = max(coalesce(last_seen, 0), excluded.last_seen)
                """)) {
            for (DeviceReadings batch : batches) {
                seen.setString(1, batch.site());
                seen.setString(2, batch.device());
                seen.setLong(3, batch.receivedAt());
                seen.addBatch();
            }
            seen.executeBatch();
        }
        try (PreparedStatement state = writer.prepareStatement("""
                INSERT INTO device (site, device, state, last_seen) VALUES (?, ?, ?, ?)
                ON CONFLICT (site, device) DO UPDATE SET state = excluded.state,
                  last_seen = CASE WHEN excluded.last_seen IS NULL THEN last_seen
                                   ELSE max(coalesce(last_seen, 0), excluded.last_seen) END
                """)) {
            for (DeviceStatus status : statuses) {
                state.setString(1, status.site());
                state.setString(2, status.device());
                state.setString(3, status.state());
                if (status.lastSeen() == null) {
                    state.setNull(4, Types.INTEGER);
                } else {
                    state.setLong(4, status.lastSeen());
                }
                state.addBatch();
            }
            state.executeBatch();
        }
    }

    static List<DeviceStatus> read(Connection c) throws SQLException {
        List<DeviceStatus> result = new ArrayList<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT site, device, state, last_seen FROM device ORDER BY site, device")) {
            while (rs.next()) {
                long lastSeen = rs.getLong(4);
                Long seen = rs.wasNull() ? null : lastSeen;
                result.add(new DeviceStatus(rs.getString(1), rs.getString(2), rs.getString(3), seen));
            }
        }
        return result;
    }
}
