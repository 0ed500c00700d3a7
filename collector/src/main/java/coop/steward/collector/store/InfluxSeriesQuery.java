package coop.steward.collector.store;

import static coop.steward.collector.store.InfluxQl.HOUR;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Answers a {@link SeriesQuery} in one request: the series' kind and unit, and its points. The range may be read
 * from more than one layout while the layout before is moved ({@link InfluxMigration#pieces}); each piece covers its
 * own stretch of time, and a bucket that two pieces share is merged.
 */
final class InfluxSeriesQuery {
    /** A stretch of time, {@code [from, to)}, read from one layout. */
    record Piece(InfluxLayout layout, long from, long to) {
    }

    private static final String AGGREGATES = "min(value) AS \"min\", max(value) AS \"max\", sum(value) AS \"sum\", "
            + "count(value) AS \"count\", last(value) AS \"last\"";
    private static final String ROLLED_UP = "min(\"min\") AS \"min\", max(\"max\") AS \"max\", sum(\"sum\") AS "
            + "\"sum\", sum(\"count\") AS \"count\", last(\"last\") AS \"last\"";

    private InfluxSeriesQuery() {
    }

    static SeriesData answer(InfluxConnection influx, SeriesQuery query, List<InfluxLayout> layouts,
                             List<Piece> pieces) {
        String series = InfluxQl.series(query.key());
        boolean wholeHours = !query.isRaw() && query.stepMillis() > 0 && query.stepMillis() % HOUR == 0;
        List<String> statements = new ArrayList<>();
        for (InfluxLayout layout : layouts) {
            statements.add("SELECT last(value), kind, unit FROM " + layout.rawSource() + " WHERE " + series);
            statements.add("SELECT last(\"last\"), kind, unit FROM " + layout.rollupSource() + " WHERE " + series);
        }
        int perPiece = query.isRaw() ? 1 : wholeHours ? 4 : 1;
        for (Piece piece : pieces) {
            String where = " WHERE " + series + " AND ";
            String raw = " FROM " + piece.layout().rawSource() + where;
            if (query.isRaw()) {
                statements.add("SELECT value" + raw + InfluxQl.range(piece.from(), piece.to()) + " LIMIT "
                        + ((long) query.limit() + 1));
            } else if (wholeHours) {
                long firstHour = Math.min(InfluxQl.ceilHour(piece.from()), piece.to());
                long lastHour = Math.max(InfluxQl.floorHour(piece.to()), firstHour);
                String hours = InfluxQl.range(firstHour, lastHour) + " GROUP BY time(1h) fill(none)";
                statements.add("SELECT value" + raw + InfluxQl.range(piece.from(), firstHour));
                statements.add("SELECT value" + raw + InfluxQl.range(lastHour, piece.to()));
                statements.add("SELECT " + AGGREGATES + raw + hours);
                statements.add("SELECT " + ROLLED_UP + " FROM " + piece.layout().rollupSource() + where + hours);
            } else {
                statements.add("SELECT " + AGGREGATES + raw + InfluxQl.range(piece.from(), piece.to())
                        + " GROUP BY time(" + query.stepMillis() + "ms) fill(none) LIMIT " + ((long) query.limit() + 1));
            }
        }
        List<List<InfluxRows>> answers = influx.query(statements);
        String[] kindAndUnit = kindAndUnit(layouts, answers.subList(0, 2 * layouts.size()));
        if (kindAndUnit == null) {
            return SeriesData.none(query);
        }
        PointList points = new PointList(query.limit(), query.envelope());
        List<List<InfluxRows>> pieceAnswers = answers.subList(2 * layouts.size(), answers.size());
        if (query.isRaw()) {
            addRaw(points, pieceAnswers);
        } else {
            TreeMap<Long, Bucket> buckets = new TreeMap<>();
            for (int p = 0; p < pieces.size(); p++) {
                List<List<InfluxRows>> of = pieceAnswers.subList(p * perPiece, (p + 1) * perPiece);
                if (wholeHours) {
                    addHours(buckets, query.stepMillis(), of);
                } else {
                    addRows(buckets, query.stepMillis(), pieces.get(p).from(), of.get(0));
                }
            }
            for (Map.Entry<Long, Bucket> e : buckets.entrySet()) {
                if (!points.add(e.getKey(), e.getValue(), query.aggregation())) {
                    break;
                }
            }
        }
        return points.toSeries(query.key(), kindAndUnit[0], kindAndUnit[1]);
    }

    /** The kind and unit of the latest raw reading in any layout, else of the latest roll-up; null for no series. */
    private static String[] kindAndUnit(List<InfluxLayout> layouts, List<List<InfluxRows>> answers) {
        for (int offset = 0; offset < 2; offset++) {
            String[] found = null;
            long latest = Long.MIN_VALUE;
            for (int l = 0; l < layouts.size(); l++) {
                List<InfluxRows> meta = answers.get(2 * l + offset);
                if (!meta.isEmpty() && meta.get(0).time(0) >= latest) {
                    latest = meta.get(0).time(0);
                    found = new String[] {meta.get(0).text(0, "kind"),
                            layouts.get(l).unit(meta.get(0).text(0, "unit"))};
                }
            }
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static void addRaw(PointList points, List<List<InfluxRows>> answers) {
        for (List<InfluxRows> answer : answers) {
            for (InfluxRows rows : answer) {
                for (int i = 0; i < rows.size(); i++) {
                    if (!points.add(rows.time(i), rows.number(i, "value"))) {
                        return; // PointList stops one past the limit, which tells that the answer is truncated.
                    }
                }
            }
        }
    }

    /**
     * InfluxDB's own buckets, which it aligns to multiples of the step since the epoch. A row's time is its bucket's
     * start; within a bucket two pieces share, the later piece holds the later readings, hence the piece's start.
     */
    private static void addRows(TreeMap<Long, Bucket> buckets, long step, long pieceFrom, List<InfluxRows> answer) {
        for (InfluxRows rows : answer) {
            for (int i = 0; i < rows.size(); i++) {
                merge(bucket(buckets, rows.time(i), step), rows, i, Math.max(rows.time(i), pieceFrom));
            }
        }
    }

    /**
     * Steps of whole hours: whole hours from raw readings where there are any, from the roll-ups where retention has
     * taken them (a roll-up of an hour that still has raw readings may not have caught up with them yet), the
     * partial hours at either end from raw. Every piece covers its own stretch of time, so a bucket's last value is
     * the one of its latest piece: raw points carry their times, hours their start.
     */
    private static void addHours(TreeMap<Long, Bucket> buckets, long step, List<List<InfluxRows>> answers) {
        for (List<InfluxRows> partial : answers.subList(0, 2)) {
            for (InfluxRows rows : partial) {
                for (int i = 0; i < rows.size(); i++) {
                    long t = rows.time(i);
                    bucket(buckets, t, step).add(t, rows.number(i, "value"));
                }
            }
        }
        Set<Long> rawHours = new HashSet<>();
        for (InfluxRows rows : answers.get(2)) {
            for (int i = 0; i < rows.size(); i++) {
                rawHours.add(rows.time(i));
                merge(bucket(buckets, rows.time(i), step), rows, i, rows.time(i));
            }
        }
        for (InfluxRows rows : answers.get(3)) {
            for (int i = 0; i < rows.size(); i++) {
                if (!rawHours.contains(rows.time(i))) {
                    merge(bucket(buckets, rows.time(i), step), rows, i, rows.time(i));
                }
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
