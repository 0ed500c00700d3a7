package coop.steward.collector.store;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the writer knows of each series without asking InfluxDB: the time of its latest raw reading, and its seal
 * ({@link InfluxRollups}). A reading after the latest is new without a look-up, so live data costs one request
 * per write; only replays and late readings are looked up, because in InfluxDB 1.x a look-up costs about as
 * much per series as the write itself.
 * <p>
 * Loaded at open and kept up by this store's own writes and maintenance, under its write lock. Another
 * collector writing the same series makes it stale: a replay of what that collector stored may then be stored
 * again, replacing the copy with its own (normally identical) values, and be counted as new.
 */
final class InfluxSeriesState {
    private final Map<SeriesKey, Long> latest = new HashMap<>();
    private final Map<SeriesKey, Long> seals = new HashMap<>();

    static InfluxSeriesState load(InfluxConnection influx) {
        List<List<InfluxRows>> answers = influx.query(List.of(
                "SELECT last(value) FROM reading GROUP BY site, device, sensor",
                "SELECT sealed_before FROM raw_retention GROUP BY site, device, sensor"));
        InfluxSeriesState state = new InfluxSeriesState();
        for (InfluxRows rows : answers.get(0)) {
            state.wrote(rows.key(), rows.time(0));
        }
        for (InfluxRows rows : answers.get(1)) {
            state.seal(rows.key(), rows.whole(0, "sealed_before"));
        }
        return state;
    }

    /** The time of the series' latest stored raw reading, or {@code Long.MIN_VALUE} when none is known. */
    long latest(SeriesKey key) {
        return latest.getOrDefault(key, Long.MIN_VALUE);
    }

    /** Readings of the series from before this time are dropped; {@code Long.MIN_VALUE} when it has no seal. */
    long sealedBefore(SeriesKey key) {
        return seals.getOrDefault(key, Long.MIN_VALUE);
    }

    void wrote(SeriesKey key, long t) {
        latest.merge(key, t, Math::max);
    }

    void seal(SeriesKey key, long before) {
        seals.merge(key, before, Math::max);
    }
}
