package coop.steward.collector.store;

import static coop.steward.collector.store.InfluxQl.HOUR;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Answers a {@link SeriesQuery} in one request: the series' kind and unit, and its points. */
final class InfluxSeriesQuery {
    private static final String META_RAW = "SELECT last(value), kind, unit FROM reading WHERE ";
    private static final String META_ROLLUP = "SELECT last(\"last\"), kind, unit FROM reading_1h WHERE ";

    private InfluxSeriesQuery() {
    }

    static SeriesData answer(InfluxConnection influx, SeriesQuery query) {
        String series = InfluxQl.series(query.key());
        long from = InfluxQl.clamp(query.from());
        long to = InfluxQl.clamp(query.to());
        boolean wholeHours = !query.isRaw() && query.stepMillis() > 0 && query.stepMillis() % HOUR == 0;
        List<String> statements = new ArrayList<>(List.of(META_RAW + series, META_ROLLUP + series));
        if (wholeHours) {
            statements.addAll(hourlyStatements(series, from, to));
        } else {
            statements.add(pointsStatement(query, series, from, to));
        }
        List<List<InfluxRows>> answers = influx.query(statements);

        List<InfluxRows> meta = answers.get(0).isEmpty() ? answers.get(1) : answers.get(0);
        if (meta.isEmpty()) {
            return SeriesData.none(query);
        }
        String kind = meta.get(0).text(0, "kind");
        String unit = meta.get(0).text(0, "unit");
        PointList points = new PointList(query.limit(), query.envelope());
        if (wholeHours) {
            addBuckets(points, query, answers.subList(2, answers.size()));
        } else {
            for (InfluxRows rows : answers.get(2)) {
                for (int i = 0; i < rows.size() && add(points, query, rows, i); i++) {
                    // PointList stops one past the limit, which tells that the answer is truncated.
                }
            }
        }
        return points.toSeries(query.key(), kind, unit);
    }

    private static boolean add(PointList points, SeriesQuery query, InfluxRows rows, int i) {
        double value = rows.number(i, "value");
        return query.envelope() ? points.add(rows.time(i), value, rows.number(i, "min"), rows.number(i, "max"))
                : points.add(rows.time(i), value);
    }

    /**
     * Raw points, or InfluxDB's own buckets, which it aligns to multiples of the step since the epoch; an envelope
     * is two more functions in the same statement.
     */
    private static String pointsStatement(SeriesQuery query, String series, long from, long to) {
        String where = " FROM reading WHERE " + series + " AND " + InfluxQl.range(from, to);
        String limit = " LIMIT " + ((long) query.limit() + 1);
        if (query.isRaw()) {
            return "SELECT value" + where + limit;
        }
        String envelope = query.envelope() ? ", min(value) AS \"min\", max(value) AS \"max\"" : "";
        return "SELECT " + query.aggregation().code() + "(value) AS value" + envelope + where + " GROUP BY time("
                + query.stepMillis() + "ms) fill(none)" + limit;
    }

    /**
     * Steps of whole hours, as in the embedded store: whole hours from the roll-ups where maintenance made them
     * (they outlive the raw readings), from raw readings elsewhere; the partial hours at either end from raw.
     */
    private static List<String> hourlyStatements(String series, long from, long to) {
        long firstHour = Math.min(InfluxQl.ceilHour(from), to);
        long lastHour = Math.max(InfluxQl.floorHour(to), firstHour);
        String raw = " FROM reading WHERE " + series + " AND ";
        return List.of(
                "SELECT value" + raw + InfluxQl.range(from, firstHour),
                "SELECT value" + raw + InfluxQl.range(lastHour, to),
                "SELECT min(value) AS \"min\", max(value) AS \"max\", sum(value) AS \"sum\", "
                        + "count(value) AS \"count\", last(value) AS \"last\"" + raw
                        + InfluxQl.range(firstHour, lastHour) + " GROUP BY time(1h) fill(none)",
                "SELECT \"min\", \"max\", \"sum\", \"count\", \"last\", last_t FROM reading_1h WHERE " + series
                        + " AND " + InfluxQl.range(firstHour, lastHour));
    }

    /**
     * Every piece below covers its own stretch of time, so a bucket's last value is the one of its latest piece:
     * raw points carry their times, roll-ups the time of their hour's last reading, raw hours their start.
     */
    private static void addBuckets(PointList points, SeriesQuery query, List<List<InfluxRows>> answers) {
        long step = query.stepMillis();
        TreeMap<Long, Bucket> buckets = new TreeMap<>();
        for (List<InfluxRows> partial : answers.subList(0, 2)) {
            for (InfluxRows rows : partial) {
                for (int i = 0; i < rows.size(); i++) {
                    long t = rows.time(i);
                    bucket(buckets, t, step).add(t, rows.number(i, "value"));
                }
            }
        }
        Set<Long> rolledUp = new HashSet<>();
        for (InfluxRows rows : answers.get(3)) {
            for (int i = 0; i < rows.size(); i++) {
                rolledUp.add(rows.time(i));
                merge(bucket(buckets, rows.time(i), step), rows, i, rows.whole(i, "last_t"));
            }
        }
        for (InfluxRows rows : answers.get(2)) {
            for (int i = 0; i < rows.size(); i++) {
                // An hour with a roll-up has lost its raw readings to retention, or is about to lose them (its
                // maintenance rolled up and has not deleted yet): the roll-up holds the same readings.
                if (!rolledUp.contains(rows.time(i))) {
                    merge(bucket(buckets, rows.time(i), step), rows, i, rows.time(i));
                }
            }
        }
        for (Map.Entry<Long, Bucket> e : buckets.entrySet()) {
            if (!points.add(e.getKey(), e.getValue(), query.aggregation())) {
                break;
            }
        }
    }

    private static Bucket bucket(TreeMap<Long, Bucket> buckets, long t, long step) {
        return buckets.computeIfAbsent(Math.floorDiv(t, step) * step, b -> new Bucket());
    }

    private static void merge(Bucket bucket, InfluxRows rows, int i, long lastT) {
        bucket.merge(rows.number(i, "min"), rows.number(i, "max"), rows.number(i, "sum"), rows.whole(i, "count"),
                lastT, rows.number(i, "last"));
    }
}
