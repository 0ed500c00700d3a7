package coop.steward.collector.store;

import static coop.steward.collector.store.SqliteRollups.HOUR;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Answers a {@link SeriesQuery} from the embedded store on one reader connection: from the {@code reading} table
 * and the readings still pending beside it ({@link PendingReadings}), and for whole hours before the roll-up mark
 * from the hourly roll-ups.
 */
final class SqliteSeriesQuery {
    private static final String LAST_ROW = "JOIN reading r ON r.series_id = ? AND r.t = g.last_t";

    private SqliteSeriesQuery() {
    }

    /** @param rolledUpBefore every hour before this has its roll-ups ({@link SqliteRollups}) */
    static SeriesData answer(Connection c, SeriesQuery query, PendingReadings pending, long rolledUpBefore)
            throws SQLException {
        SqliteSeries.Row row = SqliteSeries.find(c, query.key()); // its statement closed: see below
        if (row == null) {
            return SeriesData.none(query);
        }
        // Pending first, with no statement open (an open one holds the snapshot of the table it began with): a
        // reading that moves into the table meanwhile is then seen in both, and the table's copy is kept, rather
        // than in neither.
        NavigableMap<Long, Double> waiting = pending.points(row.id(), query.from(), query.to());
        return points(c, query, new Series(row.id(), row.kind(), row.unit(), waiting), rolledUpBefore);
    }

    /** The series a query is about, with its pending readings in the query's range. */
    private record Series(long id, String kind, String unit, NavigableMap<Long, Double> waiting) {
    }

    private static SeriesData points(Connection c, SeriesQuery query, Series series, long rolledUpBefore)
            throws SQLException {
        if (!query.isRaw() && query.stepMillis() % HOUR == 0) {
            return fromRollups(c, query, series, rolledUpBefore);
        }
        return query.isRaw() ? raw(c, query, series) : buckets(c, query, series);
    }

    /** The table's points and the pending ones, merged in time order, up to the limit. */
    private static SeriesData raw(Connection c, SeriesQuery query, Series series) throws SQLException {
        PointList points = new PointList(query.limit());
        Iterator<Map.Entry<Long, Double>> waiting = series.waiting().entrySet().iterator();
        Map.Entry<Long, Double> next = waiting.hasNext() ? waiting.next() : null;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT t, value FROM reading WHERE series_id = ? AND t >= ? AND t < ? ORDER BY t LIMIT ?")) {
            ps.setLong(1, series.id());
            ps.setLong(2, query.from());
            ps.setLong(3, query.to());
            ps.setInt(4, query.limit() + 1);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long t = rs.getLong(1);
                    for (; next != null && next.getKey() <= t; next = waiting.hasNext() ? waiting.next() : null) {
                        if (next.getKey() < t && !points.add(next.getKey(), next.getValue())) {
                            return points.toSeries(query.key(), series.kind(), series.unit());
                        }
                    }
                    if (!points.add(t, rs.getDouble(2))) {
                        return points.toSeries(query.key(), series.kind(), series.unit());
                    }
                }
            }
        }
        for (; next != null && points.add(next.getKey(), next.getValue());
             next = waiting.hasNext() ? waiting.next() : null) {
            // PointList stops one past the limit, which tells that the answer is truncated.
        }
        return points.toSeries(query.key(), series.kind(), series.unit());
    }

    /**
     * Buckets aggregated by SQLite from the table; a bucket that holds pending readings is aggregated here instead,
     * from the table's readings and those.
     */
    private static SeriesData buckets(Connection c, SeriesQuery query, Series series) throws SQLException {
        String sql = bucketSql(query);
        boolean envelope = query.envelope();
        TreeMap<Long, double[]> buckets = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int p = 1;
            ps.setLong(p++, series.id());
            ps.setLong(p++, query.from());
            ps.setLong(p++, query.to());
            if (sql.contains(LAST_ROW)) {
                ps.setLong(p++, series.id());
            }
            ps.setInt(p, query.limit() + 1);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    double value = rs.getDouble(2);
                    buckets.put(rs.getLong(1), new double[] {value, envelope ? rs.getDouble(3) : value,
                        envelope ? rs.getDouble(4) : value});
                }
            }
        }
        long step = query.stepMillis();
        for (long bucket : bucketsOf(series.waiting().keySet(), step)) {
            Bucket b = new Bucket();
            rawPoints(c, series, Math.max(bucket, query.from()), Math.min(bucket + step, query.to())).forEach(b::add);
            buckets.put(bucket, new double[] {b.value(query.aggregation()), b.min(), b.max()});
        }
        PointList points = new PointList(query.limit(), envelope);
        for (Map.Entry<Long, double[]> e : buckets.entrySet()) {
            if (!points.add(e.getKey(), e.getValue()[0], e.getValue()[1], e.getValue()[2])) {
                break;
            }
        }
        return points.toSeries(query.key(), series.kind(), series.unit());
    }

    private static Set<Long> bucketsOf(Set<Long> times, long step) {
        Set<Long> buckets = new TreeSet<>();
        times.forEach(t -> buckets.add(Math.floorDiv(t, step) * step));
        return buckets;
    }

    /** A series' points in {@code [from, to)}, from the table and pending, the table's copy first. */
    private static NavigableMap<Long, Double> rawPoints(Connection c, Series series, long from, long to)
            throws SQLException {
        TreeMap<Long, Double> points = new TreeMap<>();
        if (from >= to) {
            return points;
        }
        try (PreparedStatement raw = c.prepareStatement(
                "SELECT t, value FROM reading WHERE series_id = ? AND t >= ? AND t < ?")) {
            raw.setLong(1, series.id());
            raw.setLong(2, from);
            raw.setLong(3, to);
            try (ResultSet rs = raw.executeQuery()) {
                while (rs.next()) {
                    points.put(rs.getLong(1), rs.getDouble(2));
                }
            }
        }
        series.waiting().subMap(from, to).forEach(points::putIfAbsent);
        return points;
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
     * Steps of whole hours: whole hours inside the range and before the roll-up mark come from the roll-ups (which
     * outlive raw retention), the rest from raw readings, so the answer equals aggregating raw data.
     */
    private static SeriesData fromRollups(Connection c, SeriesQuery query, Series series, long rolledUpBefore)
            throws SQLException {
        long step = query.stepMillis();
        long firstHour = Math.min(ceilHour(query.from()), query.to());
        long lastHour = Math.max(Math.floorDiv(query.to(), HOUR) * HOUR, firstHour);
        long rolledUpTo = Math.max(firstHour, Math.min(lastHour, rolledUpBefore));
        TreeMap<Long, Bucket> buckets = new TreeMap<>();
        for (long[] range : new long[][] {{query.from(), firstHour}, {rolledUpTo, query.to()}}) {
            rawPoints(c, series, range[0], range[1]).forEach((t, value) ->
                    buckets.computeIfAbsent(Math.floorDiv(t, step) * step, b -> new Bucket()).add(t, value));
        }
        try (PreparedStatement rollups = c.prepareStatement("""
                SELECT bucket, min, max, sum, count, last_t, last_value FROM rollup_1h
                WHERE series_id = ? AND bucket >= ? AND bucket < ?""")) {
            rollups.setLong(1, series.id());
            rollups.setLong(2, firstHour);
            rollups.setLong(3, rolledUpTo);
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
        return points.toSeries(query.key(), series.kind(), series.unit());
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
