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

/** GET /api/v1/totals and GET /api/v1/spans as the dashboard asks for them. */
class HistoryApiTest {
    private static final long HOUR = 3_600_000L;
    private static final long NOW = Instant.parse("2026-04-15T12:00:00Z").toEpochMilli();
    private static final long VALVE_T = Instant.parse("2026-04-15T06:00:00Z").toEpochMilli();
    private static final String METER = "/api/v1/totals?site=food-forest&device=shed&sensor=meter";
    private static final String VALVE = "/api/v1/spans?site=food-forest&device=bed-1&sensor=valve";

    @TempDir
    static Path tmp;
    private static ApiServer api;

    @BeforeAll
    static void start() throws Exception {
        List<Reading> meter = new ArrayList<>();
        long start = Instant.parse("2026-01-31T20:00:00Z").toEpochMilli();
        for (long t = start; t < NOW; t += HOUR) { // a litre an hour
            meter.add(new Reading("meter", "water_total", t, (t - start) / HOUR, null));
        }
        ApiServer.store(tmp, "food-forest", "shed", meter);
        ApiServer.store(tmp, "food-forest", "bed-1", List.of(
                new Reading("valve", "valve_state", VALVE_T, 0, null),
                new Reading("valve", "valve_state", VALVE_T + 600_000, 1, null),
                new Reading("valve", "valve_state", VALVE_T + 1_200_000, 0, null),
                new Reading("valve", "valve_state", VALVE_T + 3_600_000, 1, null),
                new Reading("soil-a", "soil_moisture", VALVE_T, 31, null)));
        api = ApiServer.start(tmp, """
                sites:
                  - {id: food-forest, zone: Europe/London}
                """, Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));
    }

    @AfterAll
    static void stop() throws Exception {
        api.close();
    }

    @Test
    void monthlyTotals_followTheSitesZone_andTheMonthNotOverYetIsIncomplete() throws Exception {
        JsonObject body = api.object(METER + "&period=month&from=2026-02-01T00:00:00Z&to=" + NOW);

        assertThat(body.getString("kind")).isEqualTo("water_total");
        assertThat(body.getString("unit")).isEqualTo("L");
        assertThat(body.getString("zone")).isEqualTo("Europe/London");
        assertThat(body.getString("period")).isEqualTo("month");
        JsonArray periods = body.getJsonArray("periods");
        assertThat(periods.getJsonObject(0)).isEqualTo(new JsonObject().put("start", Instant.parse(
                        "2026-02-01T00:00:00Z").toEpochMilli()).put("end", Instant.parse("2026-03-01T00:00:00Z")
                        .toEpochMilli()).put("label", "2026-02").put("total", 672.0).put("complete", true));
        assertThat(periods.getJsonObject(1).getDouble("total")).as("March, an hour short in London").isEqualTo(743.0);
        assertThat(periods.getJsonObject(2).getString("label")).isEqualTo("2026-04");
        assertThat(periods.getJsonObject(2).getDouble("total")).as("up to the last reading, at 11:00").isEqualTo(349.0);
        assertThat(periods.getJsonObject(2).getBoolean("complete")).isFalse();
        assertThat(periods).hasSize(3);
    }

    @Test
    void withoutPeriod_totalsAreDaily_overTheLast24Hours() throws Exception {
        JsonObject body = api.object(METER);

        assertThat(body.getString("period")).isEqualTo("day");
        assertThat(body.getLong("from")).isEqualTo(NOW - 24 * HOUR);
        assertThat(body.getJsonArray("periods").stream().map(p -> ((JsonObject) p).getString("label")))
                .containsExactly("2026-04-14", "2026-04-15");
        assertThat(body.getJsonArray("periods").stream().map(p -> ((JsonObject) p).getBoolean("complete")))
                .containsOnly(false);
    }

    @Test
    void totalsOfASeriesWithoutData_areEmpty() throws Exception {
        JsonObject body = api.object("/api/v1/totals?site=food-forest&device=shed&sensor=nothing");

        assertThat(body.getValue("kind")).isNull();
        assertThat(body.getJsonArray("periods")).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "/api/v1/totals?site=food-forest&device=bed-1&sensor=soil-a | food-forest/bed-1/soil-a is a "
                    + "soil_moisture sensor, not a meter: totals are for the counter kinds water_total (L) and "
                    + "energy_total (Wh)",
            "/api/v1/totals?site=food-forest&device=shed&sensor=meter&period=fortnight | period 'fortnight' is not "
                    + "one of day, week, month, year",
            "/api/v1/totals?site=food-forest&device=shed | sensor is required: /api/v1/totals?site=...&device=..."
                    + "&sensor=...&period=day",
            "/api/v1/totals?site=food-forest&device=shed&sensor=meter&from=2000-01-01T00:00:00Z | from "
                    + "2000-01-01T00:00:00Z to 2026-04-15T12:00:00Z is more than 3660 days; totals cover at most "
                    + "3660 days in one request: ask for the rest in another",
            "/api/v1/spans?site=food-forest&device=shed&sensor=meter | food-forest/shed/meter is a water_total "
                    + "sensor: spans are for valve_state sensors (0 closed, 1 open)",
            "/api/v1/spans?site=food-forest&sensor=valve | device is required: /api/v1/spans?site=...&device=..."
                    + "&sensor=...",
            "/api/v1/spans?site=food-forest&device=bed-1&sensor=valve&to=yesterday | to 'yesterday' is neither "
                    + "epoch milliseconds nor an ISO-8601 instant such as 2026-11-25T12:00:00Z"})
    void badRequests_areRefusedWithASentence(String request, String sentence) throws Exception {
        assertThat(api.refusal(request, 400)).isEqualTo(sentence);
    }

    @Test
    void spans_endAtTheFirstClosedReading_andTheOneStillOpenHasNoEnd() throws Exception {
        JsonObject body = api.object(VALVE);

        assertThat(body.getLong("from")).isEqualTo(NOW - 24 * HOUR);
        assertThat(body.getLong("to")).isEqualTo(NOW);
        assertThat(body.getJsonArray("spans")).isEqualTo(new JsonArray()
                .add(new JsonObject().put("from", VALVE_T + 600_000).put("to", VALVE_T + 1_200_000))
                .add(new JsonObject().put("from", VALVE_T + 3_600_000).putNull("to")));
    }

    @Test
    void spansOfARangeEndingBeforeNow_endWithTheRange() throws Exception {
        JsonObject body = api.object(VALVE + "&from=" + (VALVE_T + 900_000) + "&to=" + (VALVE_T + 2 * HOUR));

        assertThat(body.getJsonArray("spans")).isEqualTo(new JsonArray()
                .add(new JsonObject().put("from", VALVE_T + 900_000).put("to", VALVE_T + 1_200_000))
                .add(new JsonObject().put("from", VALVE_T + 3_600_000).put("to", VALVE_T + 2 * HOUR)));
    }
}
