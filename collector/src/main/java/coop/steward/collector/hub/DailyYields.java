package coop.steward.collector.hub;

import coop.steward.collector.config.ArrayConfig;
import coop.steward.collector.store.Aggregation;
import coop.steward.collector.store.ReadingStore;
import coop.steward.collector.store.SensorSummary;
import coop.steward.collector.store.SeriesData;
import coop.steward.collector.store.SeriesKey;
import coop.steward.collector.store.SeriesQuery;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The specific yield (kWh per kWp) of an array on each whole day of its site's zone, from the store's hourly means
 * of its {@code solar_power} sensors: each hour's mean watts count for one hour. An hourly summary, all that a site
 * sharing {@code hourly} forwards, is that mean already. A day counts only when every sensor of the array has
 * readings in all its hours but one; a missing hour of daylight would otherwise pass for a poor day.
 */
final class DailyYields {
    static final String POWER = "solar_power";
    private static final long HOUR = 3_600_000L;

    private DailyYields() {
    }

    /** Blocking. Days from {@code first} to {@code last}, both included, that count; in date order. */
    static TreeMap<LocalDate, Double> of(ReadingStore store, ArrayConfig array, List<SensorSummary> sensors,
                                         ZoneId zone, LocalDate first, LocalDate last) {
        long from = start(first, zone);
        long to = start(last.plusDays(1), zone);
        List<SeriesKey> keys = keys(array, sensors);
        TreeMap<LocalDate, Double> yields = new TreeMap<>();
        if (keys.isEmpty()) {
            return yields;
        }
        Map<LocalDate, double[]> sums = new HashMap<>(); // watt-hours, and the sensors that had the whole day
        for (SeriesKey key : keys) {
            SeriesData data = store.query(new SeriesQuery(key, from, to, Aggregation.MEAN, HOUR,
                    (int) ((to - from) / HOUR) + 2));
            Map<LocalDate, double[]> day = new HashMap<>(); // watt-hours and hours heard
            for (int i = 0; i < data.t().length; i++) {
                LocalDate date = LocalDate.ofInstant(java.time.Instant.ofEpochMilli(data.t()[i]), zone);
                double[] d = day.computeIfAbsent(date, k -> new double[2]);
                d[0] += Math.max(0, data.value()[i]);
                d[1]++;
            }
            day.forEach((date, d) -> {
                long hours = (start(date.plusDays(1), zone) - start(date, zone)) / HOUR;
                if (d[1] >= hours - 1) {
                    double[] sum = sums.computeIfAbsent(date, k -> new double[2]);
                    sum[0] += d[0];
                    sum[1]++;
                }
            });
        }
        sums.forEach((date, sum) -> {
            if (sum[1] == keys.size() && !date.isBefore(first) && !date.isAfter(last)) {
                yields.put(date, sum[0] / array.peakPowerW());
            }
        });
        return yields;
    }

    static long start(LocalDate date, ZoneId zone) {
        return date.atStartOfDay(zone).toInstant().toEpochMilli();
    }

    /** The array's own sensor, or every {@code solar_power} sensor of its device. */
    private static List<SeriesKey> keys(ArrayConfig array, List<SensorSummary> sensors) {
        if (array.sensor() != null) {
            return List.of(new SeriesKey(array.site(), array.device(), array.sensor()));
        }
        List<SeriesKey> keys = new ArrayList<>();
        for (SensorSummary sensor : sensors) {
            SeriesKey key = sensor.key();
            if (key.site().equals(array.site()) && key.device().equals(array.device()) && POWER.equals(sensor.kind())) {
                keys.add(key);
            }
        }
        return keys;
    }
}
