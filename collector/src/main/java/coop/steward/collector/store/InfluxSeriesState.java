package coop.steward.collector.store;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the writer knows of each series without asking InfluxDB: up to when it may hold readings, raw or rolled up
 * (the end of its latest roll-up's hour). A reading after that is new without a look-up, so live data costs one request per write; only replays and late readings are
 * looked up, because in InfluxDB 1.x a look-up costs about as much per series as the write itself.
 * <p>
 * Loaded at open from every layout that holds raw readings and kept up by this store's own writes, under its write
 * lock. Another collector writing the same series makes it stale: a replay of what that collector stored may then
 * be stored again, replacing the copy with its own (normally identical) values, and be counted as new.
 */
final class InfluxSeriesState {
    private final Map<SeriesKey, Long> latest = new HashMap<>();

    static InfluxSeriesState load(InfluxConnection influx, List<InfluxLayout> layouts) {
        InfluxSeriesState state = new InfluxSeriesState();
        for (InfluxLayout layout : layouts) {
            List<List<InfluxRows>> answers = influx.query(List.of(
                    "SELECT last(value) FROM " + layout.rawSource() + " GROUP BY site, device, sensor",
                    "SELECT last(\"count\") FROM " + layout.rollupSource() + " GROUP BY site, device, sensor"));
            for (InfluxRows rows : answers.get(0)) {
                state.wrote(rows.key(), rows.time(0));
            }
            for (InfluxRows rows : answers.get(1)) {
                state.wrote(rows.key(), rows.time(0) + InfluxQl.HOUR - 1);
            }
        }
        return state;
    }

    /** Up to when the series may hold readings, or {@code Long.MIN_VALUE} when none is known. */
    long latest(SeriesKey key) {
        return latest.getOrDefault(key, Long.MIN_VALUE);
    }

    void wrote(SeriesKey key, long t) {
        latest.merge(key, t, Math::max);
    }
}
