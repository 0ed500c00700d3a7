package coop.steward.collector.store;

import static coop.steward.collector.store.SqliteRollups.HOUR;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.TreeMap;

/** Answers a {@link SeriesQuery} from the embedded store on one reader connection. */
final class SqliteSeriesQuery {
    private static final String LAST_ROW = "JOIN reading r ON r.series_id = ? AND r.t = g.last_t";

    private SqliteSeriesQuery() {
    }

    static SeriesData answer(Connection c, SeriesQuery query) throws SQLException {
        SeriesKey key = query.key();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id, kind, unit FROM series WHERE site = ? AND device = ? AND sensor = ?")) {
            ps.setString(1, key.site());
            ps.setString(2, key.device());
            ps.setString(3, key.sensor());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return SeriesData.none(query);
                }
                return points(c, query, rs.getLong(1), rs.getString(2), rs.getString(3));
            }
        }
    }

    private static SeriesData points(Connection c, SeriesQuery query, long seriesId, String kind, String unit)
            throws SQLException {
        if (!query.isRaw() && query.stepMillis() % HOUR == 0) {
            return fromRollups(c, query, seriesId, kind, unit);
        }
        String sql = query.isRaw()
                ? "SELECT t, value FROM reading WHERE series_id = ? AND t >= ? AND t < ? ORDER BY t LIMIT ?"
                : bucketSql(query);
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int p = 1;
            ps.setLong(p++, seriesId);
            ps.setLong(p++, query.from());
            ps.setLong(p++, query.to());
            if (sql.contains(LAST_ROW)) {
                ps.setLong(p++, seriesId);
            }
            ps.setInt(p, query.limit() + 1);
            boolean envelope = query.envelope();
            PointList points = new PointList(query.limit(), envelope);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next() && points.add(rs.getLong(1), rs.getDouble(2), envelope ? rs.getDouble(3) : 0,
                        envelope ? rs.getDouble(4) : 0)) {
                    // PointList stops one past the limit, which tells that the answer is truncated.
                }
            }
            return points.toSeries(query.key(), kind, unit);
        }
    }

    /**
     * Columns bucket, value, then min and max with an envelope. SQLite takes a bare column from the row that holds
     * a lone max(): the value of the bucket's last point. An envelope adds a second max(), so the last value then
     * comes from a join on the bucket's latest time instead.
     */
    private static String bucketSql(SeriesQuery query) {
        String bucket = "(t / " + query.stepMillis() + ") * " + query.stepMillis() + " AS bucket";
        String where = " FROM reading WHERE series_id = ? AND t >= ? AND t < ? GROUP BY bucket";
        if (query.envelope() && query.aggregation() == Aggregation.LAST) {
            return "SELECT g.bucket, r.value, g.mn, g.mx FROM (SELECT " + bucket + ", max(t) AS last_t, "
                    + "min(value) AS mn, max(value) AS mx" + where + ") g " + LAST_ROW
                    + " ORDER BY g.bucket LIMIT ?";
        }
        String envelope = query.envelope() ? ", min(value), max(value)" : "";
        String lastRow = query.aggregation() == Aggregation.LAST ? ", max(t)" : "";
        return "SELECT " + bucket + ", " + aggregate(query.aggregation()) + envelope + lastRow + where
                + " ORDER BY bucket LIMIT ?";
    }

    /**
     * Steps of whole hours: whole hours inside the range come from the roll-ups (which outlive raw retention),
     * the partial hours at either end from raw readings, so the answer equals aggregating raw data.
     */
    private static SeriesData fromRollups(Connection c, SeriesQuery query, long seriesId, String kind, String unit)
            throws SQLException {
        long step = query.stepMillis();
        long firstHour = Math.min(ceilHour(query.from()), query.to());
        long lastHour = Math.max(Math.floorDiv(query.to(), HOUR) * HOUR, firstHour);
        TreeMap<Long, Bucket> buckets = new TreeMap<>();
        try (PreparedStatement raw = c.prepareStatement(
                "SELECT t, value FROM reading WHERE series_id = ? AND t >= ? AND t < ?")) {
            for (long[] range : new long[][] {{query.from(), firstHour}, {lastHour, query.to()}}) {
                raw.setLong(1, seriesId);
                raw.setLong(2, range[0]);
                raw.setLong(3, range[1]);
                try (ResultSet rs = raw.executeQuery()) {
                    while (rs.next()) {
                        long t = rs.getLong(1);
                        buckets.computeIfAbsent(Math.floorDiv(t, step) * step, b -> new Bucket()).add(t, rs.getDouble(2));
                    }
                }
            }
        }
        try (PreparedStatement rollups = c.prepareStatement("""
                SELECT bucket, min, max, sum, count, last_t, last_value FROM rollup_1h
                WHERE series_id = ? AND bucket >= ? AND bucket < ?""")) {
            rollups.setLong(1, seriesId);
            rollups.setLong(2, firstHour);
            rollups.setLong(3, lastHour);
            try (ResultSet rs = rollups.executeQuery()) {
                while (rs.next()) {
                    buckets.computeIfAbsent(Math.floorDiv(rs.getLong(1), step) * step, b -> new Bucket())
                            .merge(rs.getDouble(2), rs.getDouble(3), rs.getDouble(4), rs.getLong(5), rs.getLong(6),
                                    rs.getDouble(7));
                }
            }
        }
        PointList points = new PointList(query.limit(), query.envelope());
        for (Map.Entry<Long, Bucket> e : buckets.entrySet()) {
            if (!points.add(e.getKey(), e.getValue(), query.aggregation())) {
                break;
            }
        }
        return points.toSeries(query.key(), kind, unit);
    }

    private static long ceilHour(long t) {
        return -Math.floorDiv(-t, HOUR) * HOUR;
    }

    private static String aggregate(Aggregation aggregation) {
        return switch (aggregation) {
            case MEAN -> "avg(value)";
            case MIN -> "min(value)";
            case MAX -> "max(value)";
            case SUM -> "sum(value)";
            case COUNT -> "count(*)";
            case LAST -> "value"; // with max(t): see bucketSql

        };
    }
}
