package coop.steward.collector.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;

/**
 * Looks up which of some readings' times InfluxDB already holds, for the readings that may be replays
 * ({@link InfluxSeriesState}). InfluxDB overwrites a point of the same identity without saying so, so this is
 * how a write keeps the first copy and counts the new readings.
 * <p>
 * One request, with a statement per series and span of time: a series' times split where they are more than
 * {@link #GAP_MS} apart, so that a replay of two old stretches does not fetch everything stored in between.
 * Plain conditions only: InfluxDB 1.6 takes longer over one statement that ORs many series than over a
 * statement for each.
 */
final class InfluxStoredTimes {
    private static final long GAP_MS = 10 * 60_000L;

    private InfluxStoredTimes() {
    }

    /** The stored times among {@code times} (each series' times in ascending order), per series. */
    static Map<SeriesKey, Set<Long>> find(InfluxConnection influx, InfluxLayout layout,
                                          Map<SeriesKey, ? extends NavigableMap<Long, ?>> times) {
        if (times.isEmpty()) {
            return Map.of();
        }
        List<String> statements = new ArrayList<>();
        List<SeriesKey> statementKeys = new ArrayList<>();
        for (Map.Entry<SeriesKey, ? extends NavigableMap<Long, ?>> series : times.entrySet()) {
            String where = "SELECT value FROM " + layout.rawSource() + " WHERE " + InfluxQl.series(series.getKey()) + " AND ";
            long from = series.getValue().firstKey();
            long previous = from;
            for (long t : series.getValue().keySet()) {
                if (t - previous > GAP_MS) {
                    statements.add(where + InfluxQl.range(from, previous + 1));
                    statementKeys.add(series.getKey());
                    from = t;
                }
                previous = t;
            }
            statements.add(where + InfluxQl.range(from, previous + 1));
            statementKeys.add(series.getKey());
        }
        Map<SeriesKey, Set<Long>> stored = new HashMap<>();
        List<List<InfluxRows>> answers = influx.query(statements);
        for (int statement = 0; statement < answers.size(); statement++) {
            for (InfluxRows rows : answers.get(statement)) {
                Set<Long> found = stored.computeIfAbsent(statementKeys.get(statement), k -> new HashSet<>());
                for (int i = 0; i < rows.size(); i++) {
                    found.add(rows.time(i));
                }
            }
        }
        return stored;
    }
}
