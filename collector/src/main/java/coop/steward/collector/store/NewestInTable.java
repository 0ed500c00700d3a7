package coop.steward.collector.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * The newest time each series has in the {@code reading} table, as the writer last knew it: a reading newer than
 * that cannot be a replay of one in the table, so the writer need not look it up. Live readings are all newer, and
 * a lookup in the table, just after a move changed it, waits on the disk. Known from what the writer and the mover
 * committed, or read once per series; the table may only hold older readings than this says (retention drops
 * them), which costs a lookup, never a replay taken for new. Touched only by the store's writer.
 */
final class NewestInTable {
    private final Map<Long, Long> bySeries = new HashMap<>();

    /** The newest time of the series in the table; {@link Long#MIN_VALUE} when it has none. */
    long of(Connection writer, long seriesId) throws SQLException {
        Long newest = bySeries.get(seriesId);
        if (newest == null) {
            try (PreparedStatement max = writer.prepareStatement("SELECT max(t) FROM reading WHERE series_id = ?")) {
                max.setLong(1, seriesId);
                try (ResultSet rs = max.executeQuery()) {
                    rs.next();
                    long t = rs.getLong(1);
                    newest = rs.wasNull() ? Long.MIN_VALUE : t;
                }
            }
            bySeries.put(seriesId, newest);
        }
        return newest;
    }

    /** A reading of the series at {@code t} is committed in the table. */
    void committed(long seriesId, long t) {
        bySeries.computeIfPresent(seriesId, (id, newest) -> Math.max(newest, t));
    }
}
