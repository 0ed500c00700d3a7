package coop.steward.collector.http;

import static org.assertj.core.api.Assertions.assertThat;

import coop.steward.protocol.Reading;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SeriesBatchApiTest {
    private static final long T0 = Instant.parse("2026-11-24T12:00:00Z").toEpochMilli();
    private static final String RANGE = "&from=" + T0 + "&to=" + (T0 + 3_600_000L);
    private static final String BOTH = "/api/v1/series/batch?series=food-forest/bed-1/soil-a"
            + "&series=food-forest/bed-1/soil-b";

    @TempDir
    static Path tmp;
    private static ApiServer api;

    @BeforeAll
    static void start() throws Exception {
        List<Reading> readings = new ArrayList<>();
        for (int i = 0; i < 60; i++) { // one reading a minute for an hour
            readings.add(new Reading("soil-a", "soil_moisture", T0 + i * 60_000L, 20 + i % 5, null));
            readings.add(new Reading("soil-b", "soil_temperature", T0 + i * 60_000L, 10 + i % 3, "C"));
        }
        ApiServer.store(tmp, "food-forest", "bed-1", readings);
        api = ApiServer.start(tmp, "", Clock.fixed(Instant.ofEpochMilli(T0 + 86_400_000L), ZoneOffset.UTC));
    }

    @AfterAll
    static void stop() throws Exception {
        api.close();
    }

    @Test
    void bucketedBatch_givesEachSeriesTheMeanMinAndMaxOfEveryBucket_inTheOrderAsked() throws Exception {
        JsonObject body = api.object(BOTH + "&series=food-forest/bed-9/none" + RANGE + "&step=5m");

        assertThat(body.getLong("from")).isEqualTo(T0);
        assertThat(body.getLong("to")).isEqualTo(T0 + 3_600_000L);
        assertThat(body.getLong("step")).isEqualTo(300_000L);
        JsonArray series = body.getJsonArray("series");
        assertThat(series).hasSize(3);
        JsonObject soilA = series.getJsonObject(0);
        assertThat(soilA.getString("sensor")).isEqualTo("soil-a");
        assertThat(soilA.getString("kind")).isEqualTo("soil_moisture");
        assertThat(soilA.getString("unit")).isEqualTo("%");
        assertThat(soilA.getJsonArray("t")).hasSize(12).startsWith(T0, T0 + 300_000L);
        // Each five minutes hold 20, 21, 22, 23 and 24.
        assertThat(list(soilA, "value")).containsOnly(22.0);
        assertThat(list(soilA, "min")).hasSize(12).containsOnly(20.0);
        assertThat(list(soilA, "max")).hasSize(12).containsOnly(24.0);
        assertThat(soilA.containsKey("truncated")).isFalse();
        JsonObject soilB = series.getJsonObject(1);
        assertThat(soilB.getString("unit")).isEqualTo("C");
        assertThat(list(soilB, "value")).startsWith(10.8, 11.0);
        assertThat(soilB.getJsonArray("min").getDouble(0)).isEqualTo(10.0);
        assertThat(soilB.getJsonArray("max").getDouble(0)).isEqualTo(12.0);
        assertThat(series.getJsonObject(2)).isEqualTo(new JsonObject("{\"site\": \"food-forest\", "
                + "\"device\": \"bed-9\", \"sensor\": \"none\", \"kind\": null, \"unit\": null, \"t\": [], "
                + "\"value\": [], \"min\": [], \"max\": []}"));
    }

    @Test
    void maxPoints_picksTheStepAsForOneSeries() throws Exception {
        JsonObject body = api.object(BOTH + RANGE + "&maxPoints=20");

        assertThat(body.getLong("step")).isEqualTo(300_000L);
        assertThat(body.getJsonArray("series").getJsonObject(0).getJsonArray("t")).hasSize(12);
    }

    @Test
    void aYearAtMaxPoints_isAnsweredInDays_fromTheHourlyRollups() throws Exception {
        JsonObject body = api.object(BOTH + "&from=" + (T0 - 364 * 86_400_000L) + "&to=" + (T0 + 86_400_000L)
                + "&maxPoints=800");

        assertThat(body.getLong("step")).isEqualTo(86_400_000L);
        JsonObject soilA = body.getJsonArray("series").getJsonObject(0);
        assertThat(list(soilA, "t")).containsExactly(T0 - 12 * 3_600_000L);
        assertThat(list(soilA, "min")).containsExactly(20.0);
        assertThat(list(soilA, "max")).containsExactly(24.0);
    }

    @Test
    void withoutStepOrMaxPoints_theReadingsThemselvesAreAnswered_cutAtTheLimit() throws Exception {
        JsonObject body = api.object(BOTH + RANGE + "&limit=3");

        assertThat(body.getValue("step")).isNull();
        assertThat(body.containsKey("step")).isTrue();
        JsonObject soilA = body.getJsonArray("series").getJsonObject(0);
        assertThat(list(soilA, "t")).containsExactly(T0, T0 + 60_000L, T0 + 120_000L);
        assertThat(list(soilA, "value")).containsExactly(20.0, 21.0, 22.0);
        assertThat(soilA.containsKey("min")).isFalse();
        assertThat(soilA.getBoolean("truncated")).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "/api/v1/series/batch | series is required",
            "/api/v1/series/batch?series=food-forest/bed-1 | 'food-forest/bed-1' is not site/device/sensor",
            "/api/v1/series/batch?series=food-forest/Bed-1/soil-a | device 'Bed-1' is not a valid id",
            "/api/v1/series/batch?series=food-forest/bed-1/soil-a&step=5m&agg=max | agg is not taken here",
            "/api/v1/series/batch?series=food-forest/bed-1/soil-a&step=5m&maxPoints=10 | either step or maxPoints",
            "/api/v1/series/batch?series=food-forest/bed-1/soil-a&from=2026-11-25T00:00:00Z&to=2026-11-24T00:00:00Z"
                    + " | swap them",
            "/api/v1/series/batch?series=food-forest/bed-1/soil-a&maxPoints=0 | maxPoints '0' must be"})
    void badRequests_areRefusedWithASentence(String request, String sentence) throws Exception {
        assertThat(api.refusal(request, 400)).contains(sentence);
    }

    @Test
    void moreThanTwentySeries_areRefused() throws Exception {
        String many = "&series=food-forest/bed-1/soil-a".repeat(21);

        assertThat(api.refusal("/api/v1/series/batch?" + many.substring(1), 400))
                .isEqualTo("21 series asked for; at most 20 fit in one request: ask for the rest in another");
        assertThat(api.object("/api/v1/series/batch?" + many.substring(1 + 32)).getJsonArray("series")).hasSize(20);
    }

    private static List<Object> list(JsonObject body, String key) {
        return body.getJsonArray(key).stream().toList();
    }
}
