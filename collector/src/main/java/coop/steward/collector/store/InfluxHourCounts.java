package coop.steward.collector.store;

import static coop.steward.collector.store.InfluxQl.HOUR;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;

/**
 * How many raw readings and how many rolled-up readings each hour of some series holds, for the hours of readings a
 * write may have to refuse: an hour with a roll-up but no raw readings has lost them to retention (or to the layout
 * before, which deleted them itself), so a replay there could not be told from a new reading and would be counted
 * twice. One request, two aggregating statements a series.
 */
final class InfluxHourCounts {
    /** Readings of one (series, hour) in raw form and in its roll-ups. */
    record Counts(long raw, long rolledUp) {
        /** The hour is summarised and its raw readings are gone: nothing more can be added to it. */
        boolean closed() {
            return rolledUp > 0 && raw == 0;
        }
    }

    private InfluxHourCounts() {
    }

    /** Per series, per hour start, for the hours from the first to the last of each series' times. */
    static Map<SeriesKey, Map<Long, Counts>> find(InfluxConnection influx, InfluxLayout layout,
                                                  Map<SeriesKey, ? extends NavigableMap<Long, ?>> times) {
        if (times.isEmpty()) {
            return Map.of();
        }
        List<String> statements = new ArrayList<>();
        List<SeriesKey> keys = new ArrayList<>();
        for (Map.Entry<SeriesKey, ? extends NavigableMap<Long, ?>> e : times.entrySet()) {
            String where = " WHERE " + InfluxQl.series(e.getKey()) + " AND " + InfluxQl.range(
                    InfluxQl.floorHour(e.getValue().firstKey()), InfluxQl.floorHour(e.getValue().lastKey()) + HOUR)
                    + " GROUP BY time(1h) fill(none)";
            statements.add("SELECT count(value) AS \"n\" FROM " + layout.rawSource() + where);
            statements.add("SELECT sum(\"count\") AS \"n\" FROM " + layout.rollupSource() + where);
            keys.add(e.getKey());
        }
        List<List<InfluxRows>> answers = influx.query(statements);
        Map<SeriesKey, Map<Long, Counts>> counts = new HashMap<>();
        for (int s = 0; s < keys.size(); s++) {
            Map<Long, Counts> hours = counts.computeIfAbsent(keys.get(s), k -> new HashMap<>());
            for (InfluxRows rows : answers.get(2 * s)) {
                for (int i = 0; i < rows.size(); i++) {
                    hours.merge(rows.time(i), new Counts(rows.whole(i, "n"), 0), InfluxHourCounts::add);
                }
            }
            for (InfluxRows rows : answers.get(2 * s + 1)) {
                for (int i = 0; i < rows.size(); i++) {
                    hours.merge(rows.time(i), new Counts(0, rows.whole(i, "n")), InfluxHourCounts::add);
                }
            }
        }
        return counts;
    }

    private static Counts add(Counts a, Counts b) {
        return new Counts(a.raw() + b.raw(), a.rolledUp() + b.rolledUp());
    }
}
