package coop.steward.collector.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coop.steward.protocol.Reading;
import coop.steward.testsupport.InfluxServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database written by the Steward before issue 15 (one retention policy kept for ever, string fields kind and
 * unit on every point, roll-ups and seals of its own), seeded here as that Steward wrote it, line by line, into a
 * real InfluxDB; then opened by this Steward, which must answer the same from the first moment, while it moves the
 * data, after InfluxDB is killed in the middle of it, and once it is done.
 */
class InfluxMigrationTest {
    private static final long MINUTE = 60_000L;
    private static final long HOUR = 60 * MINUTE;
    private static final long DAY = 24 * HOUR;
    private static final Duration RETENTION = Duration.ofDays(90);
    private static final long TODAY = Math.floorDiv(System.currentTimeMillis(), DAY) * DAY;
    private static final List<String> SENSORS = List.of("soil-a", "soil-b", "flow");

    @TempDir
    Path dir;
    private InfluxServer server;
    private InfluxSettings settings;
    private final List<String> lines = new ArrayList<>();
    /** Per sensor: how many readings were seeded, and their sum. */
    private final long[] counts = new long[SENSORS.size()];
    private final double[] sums = new double[SENSORS.size()];

    @BeforeEach
    void seedTheLayoutBefore() throws Exception {
        server = InfluxServer.start(dir.resolve("influxdb"));
        settings = new InfluxSettings(server.url(), "steward", null, null);
        post("/query", "q=CREATE DATABASE steward");
        for (int s = 0; s < SENSORS.size(); s++) {
            // The last three days once a minute, raw, as the old store kept its last 90 days.
            for (long t = TODAY - 3 * DAY; t < TODAY; t += MINUTE) {
                raw(s, t, (t / MINUTE) % 50 + s);
            }
            // Two months before that once an hour: a window each day for the migration.
            for (long t = TODAY - 63 * DAY; t < TODAY - 3 * DAY; t += HOUR) {
                raw(s, t, (t / HOUR) % 30 + 0.5);
            }
            // Raw readings older than this Steward's raw retention (an old store set to keep them for a year).
            for (long t = TODAY - 102 * DAY; t < TODAY - 100 * DAY; t += 10 * MINUTE) {
                raw(s, t, 7);
            }
            // Roll-ups the old store made, and its seals, for a month past its own retention.
            for (long hour = TODAY - 230 * DAY; hour < TODAY - 200 * DAY; hour += HOUR) {
                lines.add(String.format(Locale.ROOT, "reading_1h,device=bed-1,sensor=%s,site=food-forest min=1,"
                        + "max=9,sum=30,count=6i,last=4,last_t=%di,kind=\"%s\",unit=\"%s\" %d", SENSORS.get(s),
                        hour + 50 * MINUTE, kind(s), unit(s), hour));
                counts[s] += 6;
                sums[s] += 30;
            }
            lines.add(String.format(Locale.ROOT, "raw_retention,device=bed-1,sensor=%s,site=food-forest "
                    + "sealed_before=%di 0", SENSORS.get(s), TODAY - 200 * DAY));
        }
        lines.add("device,device=bed-1,site=food-forest state=\"online\",last_seen=" + (TODAY - 60_000) + "i 0");
        for (int from = 0; from < lines.size(); from += 5_000) {
            post("/write?db=steward&precision=ms", String.join("\n", lines.subList(from,
                    Math.min(lines.size(), from + 5_000))));
        }
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static String kind(int s) {
        return s == 2 ? "flow_rate" : "soil_moisture";
    }

    private static String unit(int s) {
        return s == 2 ? "L/min" : "%";
    }

    private void raw(int s, long t, double value) {
        lines.add(String.format(Locale.ROOT, "reading,device=bed-1,sensor=%s,site=food-forest value=%s,kind=\"%s\","
                + "unit=\"%s\" %d", SENSORS.get(s), value, kind(s), unit(s), t));
        counts[s]++;
        sums[s] += value;
    }

    private void post(String path, String body) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(server.url() + path)).POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type",
                path.startsWith("/query") ? "application/x-www-form-urlencoded" : "text/plain").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 204);
    }

    private static SeriesKey key(int s) {
        return new SeriesKey("food-forest", "bed-1", SENSORS.get(s));
    }

    /** Every seeded reading of every sensor, counted and summed once, with its kind and unit, and the device. */
    private void assertEverythingAnswers(ReadingStore store) {
        for (int s = 0; s < SENSORS.size(); s++) {
            SeriesData count = store.query(new SeriesQuery(key(s), 0, Long.MAX_VALUE, Aggregation.COUNT, 365 * DAY,
                    100));
            SeriesData sum = store.query(new SeriesQuery(key(s), 0, Long.MAX_VALUE, Aggregation.SUM, 365 * DAY, 100));
            assertThat(java.util.Arrays.stream(count.value()).sum()).as("count of %s", SENSORS.get(s))
                    .isEqualTo((double) counts[s]);
            assertThat(java.util.Arrays.stream(sum.value()).sum()).as("sum of %s", SENSORS.get(s))
                    .isCloseTo(sums[s], org.assertj.core.data.Offset.offset(1e-6));
            assertThat(count.kind()).isEqualTo(kind(s));
            assertThat(count.unit()).isEqualTo(unit(s));
            SeriesData lastDay = store.query(SeriesQuery.raw(key(s), TODAY - DAY, TODAY, 10_000));
            assertThat(lastDay.t()).hasSize(1440);
            assertThat(lastDay.value()[0]).isEqualTo(((TODAY - DAY) / MINUTE) % 50 + s);
        }
        assertThat(store.sensors()).extracting(SensorSummary::kind)
                .containsExactly("flow_rate", "soil_moisture", "soil_moisture");
        assertThat(store.sensors().get(0).last()).isEqualTo(new Point(TODAY - MINUTE, ((TODAY - MINUTE) / MINUTE) % 50 + 2));
        assertThat(store.devices()).containsExactly(new DeviceStatus("food-forest", "bed-1", "online",
                TODAY - 60_000));
    }

    @Test
    void oldData_answersAtOnce_duringTheMove_afterAKillInTheMiddle_andOnceMoved() throws Exception {
        InfluxReadingStore store = InfluxReadingStore.open(settings, RETENTION);
        assertEverythingAnswers(store);

        // Before the move starts: a replay of a moved-to-be reading counts nothing, a reading that was missing is
        // kept, and a current one goes to the new layout.
        long missing = TODAY - 5 * DAY + 30 * MINUTE;
        assertThat(store.write(List.of(new DeviceReadings("food-forest", "bed-1", List.of(
                new Reading("soil-a", "soil_moisture", TODAY - DAY, 99, null),
                new Reading("soil-a", "soil_moisture", missing, 3, null),
                new Reading("soil-a", "soil_moisture", TODAY + HOUR, 4, null)), TODAY - 120_000)), List.of()))
                .isEqualTo(2);
        counts[0] += 2;
        sums[0] += 7;
        assertEverythingAnswers(store);

        CompletableFuture<Void> moving = CompletableFuture.runAsync(() -> store.maintain(System.currentTimeMillis()));
        long first;
        try (InfluxConnection watch = InfluxConnection.connect(settings)) {
            first = InfluxState.load(watch).unmigratedBefore();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (InfluxState.load(watch).unmigratedBefore() == first && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        }
        server.kill();
        assertThatThrownBy(() -> moving.get(60, TimeUnit.SECONDS)).hasCauseInstanceOf(StoreException.class);
        store.close();
        server.restart();

        InfluxReadingStore resumed = InfluxReadingStore.open(settings, RETENTION);
        try (InfluxConnection watch = InfluxConnection.connect(settings)) {
            InfluxState state = InfluxState.load(watch);
            assertThat(state.migrating()).as("killed in the middle of the move").isTrue();
            assertThat(state.unmigratedBefore()).isLessThan(first);
        }
        assertEverythingAnswers(resumed);
        resumed.maintain(System.currentTimeMillis());
        try (InfluxConnection watch = InfluxConnection.connect(settings)) {
            assertThat(InfluxState.load(watch).migrating()).isFalse();
            // Moved, not read from the old copy: raw readings within the raw retention are in raw, with their tags.
            assertThat(InfluxReadingStoreTest.rows(watch, "SELECT count(value) FROM \"raw\".\"reading\" WHERE "
                    + "sensor = 'flow' AND kind = 'flow_rate' AND unit = 'L/min'", "count"))
                    .containsExactly(List.of(String.valueOf((double) (3 * 1440 + 60 * 24))));
        }
        assertEverythingAnswers(resumed);
        resumed.close();
        assertEverythingAnswers(reopen());
    }

    private InfluxReadingStore reopen() {
        return InfluxReadingStore.open(settings, RETENTION);
    }
}
