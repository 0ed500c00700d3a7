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
 * from a new reading and would be counted twice.
 *
 * <p>Every hour before a mark, {@code rolled_up_before} in the {@code meta} table, has its roll-ups; no later hour
 * has. An hour is rolled up from its raw readings once it is over, all series at once ({@link #rollUp}), and then
 * only readings that arrive late for it change its roll-up ({@link #fold}), rather than every reading changing its
 * series' roll-up page as it arrives: an SD card writes each roll-up page a few times a day instead of at every
 * message. Queries answer hours from the mark on from raw readings. A crash loses nothing: an hour not rolled up is
 * rolled up from the raw readings later. Works within the writer's transaction; touched only by the writer, and
 * the mark is read by queries.
 */
final class SqliteRollups {
    static final long HOUR = 3_600_000L;
    static final String MARK = "rolled_up_before";

    private record Key(long seriesId, long bucket) {
    }

    private final Connection writer;
    /** What the open transaction folds in, written by {@link #write}. */
    private final Map<Key, Bucket> folded = new HashMap<>();
    private volatile long rolledUpBefore;
    /** The mark the open transaction moves to, once it is committed. */
    private long markInTransaction;

    private SqliteRollups(Connection writer, long rolledUpBefore) {
        this.writer = writer;
        this.rolledUpBefore = rolledUpBefore;
        this.markInTransaction = rolledUpBefore;
    }

    static SqliteRollups load(Connection writer) throws SQLException {
        try (Statement st = writer.createStatement();
             ResultSet rs = st.executeQuery("SELECT value FROM meta WHERE name = '" + MARK + "'")) {
            return new SqliteRollups(writer, rs.next() ? rs.getLong(1) : 0);
        }
    }

    /** Every hour before this has its roll-ups; no hour from it on has. */
    long rolledUpBefore() {
        return rolledUpBefore;
    }

    /** Counts a new reading in its hour's roll-up, if that hour is rolled up already. */
    void fold(long seriesId, long t, double value) {
        if (t < markInTransaction) {
            folded.computeIfAbsent(new Key(seriesId, floorHour(t)), k -> new Bucket()).add(t, value);
        }
    }

    /**
     * Rolls up every hour from the mark to {@code before}, a whole hour, from the raw readings in the table and those
     * still {@code pending} (null when there are none), and moves the mark there, in the writer's transaction.
     */
    void rollUp(long before, PendingReadings pending) throws SQLException {
        long from = markInTransaction;
        if (before <= from) {
            return;
        }
        replace(writer, from, before, pending);
        advanceTo(before);
    }

    /**
     * Rolls up the hours in {@code [from, before)} from the table alone, on any connection (the store's mover),
     * replacing what roll-ups they had; the mark stays. Readings not in the table yet are then {@link #fold}ed in
     * by the writer, which moves the mark ({@link #advanceTo}).
     */
    static void rollUpFromTable(Connection connection, long from, long before) throws SQLException {
        replace(connection, from, before, null);
    }

    /** The hours before {@code before} have their roll-ups: moves the mark there in the writer's transaction. */
    void advanceTo(long before) throws SQLException {
        if (before <= markInTransaction) {
            return;
        }
        try (PreparedStatement mark = writer.prepareStatement(
                "INSERT OR REPLACE INTO meta (name, value) VALUES ('" + MARK + "', ?)")) {
            mark.setLong(1, before);
            mark.executeUpdate();
        }
        markInTransaction = before;
    }

    private static void replace(Connection connection, long from, long before, PendingReadings pending)
            throws SQLException {
        Map<Key, Bucket> hours = new HashMap<>();
        // Series by series, each a range of the primary key: no scan of the table.
        try (PreparedStatement raw = connection.prepareStatement("""
                SELECT r.series_id, r.t, r.value FROM series s
                JOIN reading r ON r.series_id = s.id AND r.t >= ? AND r.t < ?""")) {
            raw.setLong(1, from);
            raw.setLong(2, before);
            try (ResultSet rs = raw.executeQuery()) {
                while (rs.next()) {
                    hours.computeIfAbsent(new Key(rs.getLong(1), floorHour(rs.getLong(2))), k -> new Bucket())
                            .add(rs.getLong(2), rs.getDouble(3));
                }
            }
        }
        if (pending != null) {
            for (long seriesId : pending.seriesIds()) {
                pending.points(seriesId, from, before).forEach((t, value) ->
                        hours.computeIfAbsent(new Key(seriesId, floorHour(t)), k -> new Bucket()).add(t, value));
            }
        }
        try (PreparedStatement replace = connection.prepareStatement("""
                INSERT OR REPLACE INTO rollup_1h (series_id, bucket, min, max, sum, count, last_t, last_value)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")) {
            for (Map.Entry<Key, Bucket> e : hours.entrySet()) {
                bind(replace, e.getKey(), e.getValue()).addBatch();
            }
            replace.executeBatch();
        }
    }

    /** The writer's transaction is committed: queries may use what it rolled up. */
    void committed() {
        rolledUpBefore = markInTransaction;
    }

    static long floorHour(long t) {
        return Math.floorDiv(t, HOUR) * HOUR;
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
                bind(upsert, e.getKey(), e.getValue()).addBatch();
            }
            upsert.executeBatch();
        } finally {
            folded.clear();
        }
    }

    private static PreparedStatement bind(PreparedStatement statement, Key key, Bucket b) throws SQLException {
        statement.setLong(1, key.seriesId());
        statement.setLong(2, key.bucket());
        statement.setDouble(3, b.min());
        statement.setDouble(4, b.max());
        statement.setDouble(5, b.sum());
        statement.setLong(6, b.count());
        statement.setLong(7, b.lastT());
        statement.setDouble(8, b.last());
        return statement;
    }

    /** Forgets what the transaction folded and rolled up: it was rolled back. */
    void discard() {
        folded.clear();
        markInTransaction = rolledUpBefore;
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
