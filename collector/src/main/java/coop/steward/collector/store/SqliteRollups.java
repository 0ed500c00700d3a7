package coop.steward.collector.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Hourly roll-ups ({@code rollup_1h}: min, max, sum, count and last of each series' hour, kept for ever) and the raw
 * retention they make possible: raw readings older than the retention period are dropped, and every series is then
 * sealed before that time ({@code series.sealed_before}), because with the raw copy gone a replay could not be told
 * from a new reading and would be counted twice. Works within the writer's transaction; touched only by the writer.
 */
final class SqliteRollups {
    static final long HOUR = 3_600_000L;

    private record Key(long seriesId, long bucket) {
    }

    private final Connection writer;
    /** What the open transaction folds in, written by {@link #write}. */
    private final Map<Key, Bucket> folded = new HashMap<>();

    SqliteRollups(Connection writer) {
        this.writer = writer;
    }

    /** Counts a new reading in its hour's roll-up. */
    void fold(long seriesId, long t, double value) {
        folded.computeIfAbsent(new Key(seriesId, Math.floorDiv(t, HOUR) * HOUR), k -> new Bucket()).add(t, value);
    }

    /** Adds what was folded to the roll-ups, in the writer's transaction. */
    void write() throws SQLException {
        try (PreparedStatement upsert = writer.prepareStatement("""
                INSERT INTO rollup_1h (series_id, bucket, min, max, sum, count, last_t, last_value)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (series_id, bucket) DO UPDATE SET
                  min = min(min, excluded.min), max = max(max, excluded.max),
                  sum = sum + excluded.sum, count = count + excluded.count,
                  last_value = CASE WHEN excluded.last_t > last_t THEN excluded.last_value ELSE last_value END,
                  last_t = max(last_t, excluded.last_t)
                """)) {
            for (Map.Entry<Key, Bucket> e : folded.entrySet()) {
                Bucket b = e.getValue();
                upsert.setLong(1, e.getKey().seriesId());
                upsert.setLong(2, e.getKey().bucket());
                upsert.setDouble(3, b.min());
                upsert.setDouble(4, b.max());
                upsert.setDouble(5, b.sum());
                upsert.setLong(6, b.count());
                upsert.setLong(7, b.lastT());
                upsert.setDouble(8, b.last());
                upsert.addBatch();
            }
            upsert.executeBatch();
        } finally {
            folded.clear();
        }
    }

    /** Forgets what was folded: its transaction was rolled back. */
    void discard() {
        folded.clear();
    }

    /**
     * Drops raw readings before {@code cutoff}, a whole hour, and seals every series before it, in the writer's
     * transaction: every hour before the cutoff is then either fully raw or fully sealed.
     */
    void dropRawBefore(long cutoff) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Statement st = writer.createStatement(); ResultSet rs = st.executeQuery("SELECT id FROM series")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        // Per series, so each delete is a range of the primary key rather than a scan of the table.
        try (PreparedStatement delete = writer.prepareStatement("DELETE FROM reading WHERE series_id = ? AND t < ?")) {
            for (long id : ids) {
                delete.setLong(1, id);
                delete.setLong(2, cutoff);
                delete.addBatch();
            }
            delete.executeBatch();
        }
        try (PreparedStatement seal = writer.prepareStatement(
                "UPDATE series SET sealed_before = max(sealed_before, ?)")) {
            seal.setLong(1, cutoff);
            seal.executeUpdate();
        }
    }
}
