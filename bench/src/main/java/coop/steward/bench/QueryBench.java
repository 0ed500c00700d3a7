package coop.steward.bench;

import coop.steward.collector.store.DeviceReadings;
import coop.steward.collector.store.EmbeddedStore;
import coop.steward.protocol.Reading;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A year of 1-minute data for one sensor, queried over HTTP as the dashboard does ({@code maxPoints=1000}),
 * against the same question answered by scanning the raw readings (a step just off whole hours makes the store
 * aggregate raw data instead of its hourly roll-ups).
 */
final class QueryBench {
    static final long MINUTE = 60_000L;
    static final int YEAR_MINUTES = 365 * 24 * 60;

    private QueryBench() {
    }

    /** Writes the year into a new store in {@code data}; returns the end of the year (exclusive). */
    static long writeYear(Path data, long end) {
        long start = end - YEAR_MINUTES * MINUTE;
        try (EmbeddedStore store = EmbeddedStore.open(data)) {
            List<Reading> batch = new ArrayList<>();
            for (int i = 0; i < YEAR_MINUTES; i++) {
                long t = start + i * MINUTE;
                batch.add(new Reading("soil", "soil_moisture", t, 20 + 10 * Math.sin(i / 1440.0), "%"));
                if (batch.size() == 10_000 || i == YEAR_MINUTES - 1) {
                    store.write(List.of(new DeviceReadings(Load.SITE, "year", batch, end)), List.of());
                    batch = new ArrayList<>();
                }
            }
            // As a collector that ran through the year would have: its hours rolled up.
            store.maintain(end);
        }
        return end;
    }

    /** Latencies of {@code count} year-long queries ending near {@code end}, after {@code warmup} unmeasured. */
    static Percentiles measure(CollectorRun collector, long end, String bucketing, int warmup, int count)
            throws Exception {
        Random random = new Random(42);
        long[] nanos = new long[count];
        for (int i = -warmup; i < count; i++) {
            long to = end - random.nextInt(24 * 60) * MINUTE;
            String path = "/api/v1/series?site=" + Load.SITE + "&device=year&sensor=soil&from="
                    + (to - YEAR_MINUTES * MINUTE) + "&to=" + to + "&" + bucketing;
            long start = System.nanoTime();
            var response = collector.get(path);
            long took = System.nanoTime() - start;
            if (response.statusCode() != 200 || !response.body().contains("\"t\":[")) {
                throw new IllegalStateException("query failed: " + response.statusCode() + " " + response.body());
            }
            if (i >= 0) {
                nanos[i] = took;
            }
        }
        return Percentiles.of(nanos);
    }
}
