package coop.steward.collector.forward;

import coop.steward.collector.config.Sharing;
import coop.steward.collector.history.CounterTotals;
import coop.steward.collector.store.Aggregation;
import coop.steward.collector.store.DeviceReadings;
import coop.steward.collector.store.ReadingStore;
import coop.steward.collector.store.SensorSummary;
import coop.steward.collector.store.SeriesData;
import coop.steward.collector.store.SeriesKey;
import coop.steward.collector.store.SeriesQuery;
import coop.steward.protocol.Kind;
import coop.steward.protocol.Reading;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hourly summaries of the series a site shares that way: one reading per sensor and hour, at the hour's start, once
 * the hour is over and settled. A gauge's summary is its mean; a meter's (water, energy) and a valve's is the hour's
 * last value, which keeps totals and states meaning what they mean.
 */
final class Summaries {
    static final long HOUR = 3_600_000L;
    /** An hour is summarised once it is over by this much: readings of its last seconds arrive a little after it. */
    static final long SETTLES_MS = 10 * 60_000L;

    /** Summaries found, by device, and where each series' mark moves once they are written. */
    record Found(List<DeviceReadings> readings, Map<SeriesKey, Long> marks) {
    }

    private Summaries() {
    }

    /** The start of the first hour that is not settled at {@code now}: every hour before it is summarised. */
    static long settledHour(long now) {
        return Math.floorDiv(now - SETTLES_MS, HOUR) * HOUR;
    }

    /**
     * The summaries of the hours from each series' mark up to {@code settled}; a series without a mark starts with
     * the last settled hour (a site that starts sharing hourly does not send its history). Blocking: the store.
     */
    static Found since(ReadingStore store, Map<SeriesKey, Long> marks, Sharing sharing, long settled, long now) {
        Map<String, List<Reading>> byDevice = new LinkedHashMap<>();
        Map<String, String[]> devices = new HashMap<>();
        Map<SeriesKey, Long> moved = new HashMap<>();
        for (SensorSummary sensor : store.sensors()) {
            SeriesKey key = sensor.key();
            if (!sharing.summariesOf(key.site(), key.device())) {
                continue;
            }
            long from = marks.getOrDefault(key, settled - HOUR);
            if (from >= settled) {
                continue;
            }
            SeriesData hours = store.query(new SeriesQuery(key, from, settled, aggregation(sensor.kind()), HOUR,
                    10_000));
            String device = key.site() + "/" + key.device();
            devices.putIfAbsent(device, new String[] {key.site(), key.device()});
            List<Reading> readings = byDevice.computeIfAbsent(device, d -> new ArrayList<>());
            for (int i = 0; i < hours.t().length; i++) {
                readings.add(new Reading(key.sensor(), sensor.kind(), hours.t()[i], hours.value()[i], sensor.unit()));
            }
            moved.put(key, settled);
        }
        List<DeviceReadings> found = new ArrayList<>();
        byDevice.forEach((device, readings) -> {
            String[] id = devices.get(device);
            for (int from = 0; from < readings.size(); from += ForwardLog.READINGS_PER_MESSAGE) {
                found.add(new DeviceReadings(id[0], id[1], readings.subList(from,
                        Math.min(readings.size(), from + ForwardLog.READINGS_PER_MESSAGE)), now));
            }
        });
        return new Found(found, moved);
    }

    private static Aggregation aggregation(String kind) {
        boolean binary = Kind.lookup(kind).map(Kind::binary).orElse(false);
        return binary || CounterTotals.KINDS.contains(kind) ? Aggregation.LAST : Aggregation.MEAN;
    }
}
