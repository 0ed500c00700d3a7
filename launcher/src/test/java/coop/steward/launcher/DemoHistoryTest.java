package coop.steward.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import coop.steward.config.DeviceConfig;
import coop.steward.config.SensorConfig;
import coop.steward.testsupport.FreePort;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's first start fills sixty days of history; what a newcomer sees of it through the HTTP API. */
class DemoHistoryTest {
    private static final long MINUTE = 60_000;

    @TempDir
    Path data;
    private final HttpClient http = HttpClient.newHttpClient();

    private record Series(String site, String device, String sensor, String kind) {
        String query() {
            return "site=" + site + "&device=" + device + "&sensor="
                    + URLEncoder.encode(sensor, StandardCharsets.UTF_8);
        }

        long intervalMs() {
            return DemoHistory.intervalMs(kind);
        }
    }

    @Test
    void firstStart_fillsSixtyDaysForEverySensor_withTheAlertsOfTheLeakAndTheShade_andLiveDataContinuesIt()
            throws Exception {
        // What a fill that was interrupted (power cut, Ctrl-C) leaves behind is thrown away and filled afresh.
        Files.createDirectories(data.resolve("store.filling"));
        Files.writeString(data.resolve("store.filling").resolve("readings.db"), "half a history");
        List<String> said = new CopyOnWriteArrayList<>();
        DemoStory story;
        List<Series> series = new ArrayList<>();
        List<JsonObject> historyAlerts;
        long[] historyCounts;
        try (Demo demo = Demo.start(FreePort.find(), FreePort.find(), data, false, said::add)) {
            story = demo.story();
            assertThat(said).first().asString().contains("filling 60 days of simulated history");
            assertThat(data.resolve("store.filling")).doesNotExist();
            assertThat(said).last().asString().startsWith("History filled in");
            for (String device : Demo.DEVICES) {
                DeviceConfig config = Demo.config(device, "tcp://127.0.0.1:1", data, story);
                for (SensorConfig sensor : config.sensors()) {
                    series.add(new Series(config.site(), device, sensor.id(), sensor.kind()));
                }
            }
            int port = demo.httpPort();
            long from = story.historyFrom().toEpochMilli();
            long firstStart = story.firstStart().toEpochMilli();
            assertThat(firstStart - from).isGreaterThanOrEqualTo(Duration.ofDays(60).toMillis());

            // Sixty days of readings for every sensor of every demo device, at the history's own spacing.
            historyCounts = new long[series.size()];
            for (int i = 0; i < series.size(); i++) {
                Series s = series.get(i);
                JsonObject oldest = get(port, "/api/v1/series?" + s.query() + "&from=0&limit=1");
                assertThat(oldest.getJsonArray("t").getLong(0)).as("%s starts", s).isEqualTo(from);
                historyCounts[i] = count(port, s, from, firstStart);
                assertThat(historyCounts[i]).as("%s readings", s)
                        .isEqualTo((firstStart - from + s.intervalMs() - 1) / s.intervalMs());
            }

            // Live readings follow the history without a gap longer than its spacing, and without a jump.
            long historyEnd = Instant.parse(marker().getProperty("to")).toEpochMilli();
            assertThat(historyEnd).isBetween(firstStart - 5 * MINUTE, System.currentTimeMillis());
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                for (Series s : series) {
                    assertThat(raw(port, s, historyEnd + 1, System.currentTimeMillis() + MINUTE).size())
                            .as("live readings of %s", s).isPositive();
                }
            });
            for (Series s : series) {
                Points history = raw(port, s, historyEnd - Duration.ofDays(1).toMillis(), historyEnd + 1);
                Points live = raw(port, s, historyEnd + 1, System.currentTimeMillis() + MINUTE);
                double lastValue = history.v()[history.size() - 1];
                double firstLive = live.v()[0];
                assertThat(live.t()[0] - history.t()[history.size() - 1])
                        .as("gap between history and live data of %s", s).isPositive().isLessThanOrEqualTo(s.intervalMs() + 15_000);
                double largestStep = 0;
                for (int k = 1; k < history.size(); k++) {
                    largestStep = Math.max(largestStep, Math.abs(history.v()[k] - history.v()[k - 1]));
                }
                assertThat(Math.abs(firstLive - lastValue)).as("step from history to live data of %s", s)
                        .isLessThanOrEqualTo(1.5 * largestStep + 1e-9 * Math.abs(lastValue));
                if (s.kind().endsWith("_total")) {
                    assertThat(firstLive).as("%s counts on", s).isGreaterThanOrEqualTo(lastValue);
                }
            }

            // The alerts the rules raised on the history, at the data's own times, none of them late.
            JsonArray alerts = new JsonArray(http(port, "/api/v1/alerts").body());
            historyAlerts = new ArrayList<>();
            for (Object o : alerts) {
                JsonObject alert = (JsonObject) o;
                assertThat(alert.getBoolean("late")).as("late: %s", alert).isFalse();
                if (alert.getLong("openedAt") <= historyEnd) {
                    historyAlerts.add(alert);
                }
            }
            long leakFrom = story.leakFrom().toEpochMilli();
            assertThat(historyAlerts).filteredOn(a -> a.getString("rule").equals("irrigation-leak")).singleElement()
                    .satisfies(leak -> {
                        assertThat(leak.getString("device")).isEqualTo("bed-2");
                        assertThat(leak.getString("severity")).isEqualTo("critical");
                        assertThat(leak.getLong("openedAt")).isEqualTo(leakFrom + MINUTE);
                        assertThat(leak.getLong("detectedAt")).isEqualTo(leakFrom + MINUTE);
                        assertThat(leak.getString("state")).isEqualTo("resolved");
                        assertThat(leak.getLong("resolvedAt")).isEqualTo(story.leakTo().toEpochMilli());
                    });
            List<JsonObject> shaded = historyAlerts.stream()
                    .filter(a -> a.getString("rule").equals("solar-underperformance")).toList();
            assertThat(shaded).isNotEmpty().allSatisfy(alert -> {
                assertThat(alert.getString("device")).isEqualTo("array-2");
                long opened = alert.getLong("openedAt");
                assertThat(opened).isBetween(story.shadeSince().toEpochMilli(), historyEnd);
                assertThat(alert.getLong("detectedAt")).isEqualTo(opened);
                assertThat(Instant.ofEpochMilli(opened).atZone(ZoneOffset.UTC).getHour()).isBetween(10, 13);
            });

            // The leak's day stands out in bed-2's water use: the leak's own litres and the waterings'.
            long leakDay = Math.floorDiv(leakFrom, Duration.ofDays(1).toMillis()) * Duration.ofDays(1).toMillis();
            assertThat(used(port, "bed-2", leakDay)).isGreaterThan(2.4 * 165)
                    .isGreaterThan(2 * used(port, "bed-2", leakDay - 86_400_000L));
        }

        said.clear();
        try (Demo again = Demo.start(FreePort.find(), FreePort.find(), data, false, said::add)) {
            assertThat(said).as("nothing filled on a second start").isEmpty();
            assertThat(again.story()).isEqualTo(story);
            int port = again.httpPort();
            for (int i = 0; i < series.size(); i++) {
                assertThat(count(port, series.get(i), story.historyFrom().toEpochMilli(),
                        story.firstStart().toEpochMilli())).isEqualTo(historyCounts[i]);
            }
            // The same alerts (one still open when the history ended may have been resolved since), none twice.
            List<String> episodes = new JsonArray(http(port, "/api/v1/alerts").body()).stream()
                    .map(JsonObject.class::cast).map(DemoHistoryTest::episode).toList();
            assertThat(episodes).containsAll(historyAlerts.stream().map(DemoHistoryTest::episode).toList())
                    .doesNotHaveDuplicates();
        }
    }

    @Test
    void aDataFolderFromBeforeTheHistory_isKeptAsItIs_andGetsAStoryFromNowOn() throws Exception {
        Files.createDirectories(data.resolve("store"));
        Files.writeString(data.resolve("store").resolve("readings.db"), "");
        List<String> said = new ArrayList<>();
        long now = Instant.parse("2026-12-03T12:00:00Z").toEpochMilli();

        DemoStory story = DemoHistory.prepare(data, Demo.collectorConfig(), () -> now, said::add);

        assertThat(story.firstStart()).isEqualTo(Instant.ofEpochMilli(now));
        assertThat(said).singleElement().asString().contains("kept as it is");
        assertThat(Files.size(data.resolve("store").resolve("readings.db"))).isZero();
        assertThat(marker().getProperty("filled")).isEqualTo("false");
        // Its bed-2 never leaked: the water meter goes on from the readings the folder already has.
        assertThat(Demo.config("bed-2", "tcp://127.0.0.1:1", data, story).simulation().leak()).isNull();
        assertThat(Demo.config("bed-2", "tcp://127.0.0.1:1", data, new DemoStory(story.firstStart(), true))
                .simulation().leak()).isNotNull();
        // The live agents' story stays the same on every later start, so their meters do not jump.
        assertThat(DemoHistory.prepare(data, Demo.collectorConfig(), () -> now + 86_400_000L, said::add))
                .isEqualTo(story);
    }

    /** What an alert is about and when it opened: a second fill would raise the same again under another id. */
    private static String episode(JsonObject alert) {
        return alert.getString("rule") + " " + alert.getString("device") + "/" + alert.getString("sensor") + " at "
                + alert.getLong("openedAt");
    }

    private long count(int port, Series s, long from, long to) throws Exception {
        JsonObject answer = get(port, "/api/v1/series?" + s.query() + "&from=" + from + "&to=" + to
                + "&step=1d&agg=count");
        long total = 0;
        for (Object n : answer.getJsonArray("value")) {
            total += ((Number) n).longValue();
        }
        return total;
    }

    /** Litres through bed's meter on the UTC day starting at {@code day}. */
    private double used(int port, String bed, long day) throws Exception {
        JsonObject answer = get(port, "/api/v1/series?site=food-forest&device=" + bed + "&sensor=meter&from=" + day
                + "&to=" + (day + 86_400_000L + 1) + "&limit=1000000");
        JsonArray values = answer.getJsonArray("value");
        return values.getDouble(values.size() - 1) - values.getDouble(0);
    }

    private record Points(long[] t, double[] v) {
        int size() {
            return t.length;
        }
    }

    /** The readings in [from, to). */
    private Points raw(int port, Series s, long from, long to) throws Exception {
        JsonObject answer = get(port, "/api/v1/series?" + s.query() + "&from=" + from + "&to=" + to
                + "&limit=1000000");
        JsonArray t = answer.getJsonArray("t");
        JsonArray v = answer.getJsonArray("value");
        Points points = new Points(new long[t.size()], new double[t.size()]);
        for (int i = 0; i < t.size(); i++) {
            points.t()[i] = t.getLong(i);
            points.v()[i] = ((Number) v.getValue(i)).doubleValue();
        }
        return points;
    }

    private Properties marker() throws Exception {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(data.resolve("store").resolve(DemoHistory.MARKER))) {
            properties.load(in);
        }
        return properties;
    }

    private JsonObject get(int port, String path) throws Exception {
        HttpResponse<String> response = http(port, path);
        assertThat(response.statusCode()).as("%s: %s", path, response.body()).isEqualTo(200);
        return new JsonObject(response.body());
    }

    private HttpResponse<String> http(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
