package coop.steward.collector.http;

import static org.assertj.core.api.Assertions.assertThat;

import coop.steward.collector.alert.StoredAlerts;
import coop.steward.collector.config.Severity;
import coop.steward.protocol.Reading;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
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

/** GET /api/v1/report: a food forest's water and alerts, a solar array's energy and yield, per London month. */
class ReportApiTest {
    private static final long HOUR = 3_600_000L;
    private static final long MINUTE = 60_000L;
    private static final long NOW = at("2026-11-24T12:00:00Z");

    @TempDir
    static Path tmp;
    private static ApiServer api;

    private static long at(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    /** A meter read every hour of [from, NOW), counting {@code perHour} more each time. */
    private static List<Reading> hourly(String sensor, String kind, long from, double perHour) {
        List<Reading> readings = new ArrayList<>();
        for (long t = from; t < NOW; t += HOUR) {
            readings.add(new Reading(sensor, kind, t, (t - from) / HOUR * perHour, null));
        }
        return readings;
    }

    @BeforeAll
    static void start() throws Exception {
        ApiServer.store(tmp, "food-forest", "shed", hourly("meter", "water_total", at("2026-09-30T22:00:00Z"), 10));
        ApiServer.store(tmp, "food-forest", "bed-1", hourly("meter", "water_total", at("2026-10-31T23:00:00Z"), 1));
        ApiServer.store(tmp, "solar-array", "array-1", hourly("energy", "energy_total", at("2026-09-30T22:00:00Z"),
                500));
        StoredAlerts.write(tmp, List.of(
                StoredAlerts.alert(1, "soil-dry", Severity.WARNING, "bed-1", at("2026-10-10T08:00:00Z"),
                        at("2026-10-10T08:30:00Z"), at("2026-10-10T12:00:00Z")),
                StoredAlerts.alert(2, "soil-dry", Severity.WARNING, "bed-2", at("2026-10-12T08:00:00Z"),
                        at("2026-10-12T08:40:00Z"), at("2026-10-12T12:00:00Z")),
                StoredAlerts.alert(3, "stuck", Severity.INFO, "bed-2", at("2026-10-20T08:00:00Z"), null,
                        at("2026-10-21T08:00:00Z")),
                StoredAlerts.alert(4, "soil-dry", Severity.WARNING, "bed-1", at("2026-11-02T08:00:00Z"),
                        at("2026-11-02T08:00:00Z") + 10 * MINUTE, null)));
        api = ApiServer.start(tmp, """
                sites:
                  - {id: food-forest, zone: Europe/London}
                  - {id: solar-array, zone: Europe/London}
                alerts:
                  arrays:
                    - {site: solar-array, device: array-1, peakPowerW: 2400}
                    - {site: solar-array, device: array-2, peakPowerW: 1600}
                """, Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));
    }

    @AfterAll
    static void stop() throws Exception {
        api.close();
    }

    @Test
    void aSitesMonths_sumItsWaterMeters_andCountItsAlertsWithTheMedianTimeToAcknowledge() throws Exception {
        JsonObject body = api.object("/api/v1/report?site=food-forest&from=2026-10&to=2026-11");

        assertThat(body).isEqualTo(new JsonObject("""
                {"sites": [{"site": "food-forest", "zone": "Europe/London", "peakPowerW": null, "months": [
                  {"month": "2026-10", "complete": true, "waterL": 7450.0, "energyKWh": null, "specificYield": null,
                   "alertsRaised": 3, "medianAckMinutes": 35.0},
                  {"month": "2026-11", "complete": false, "waterL": 6204.0, "energyKWh": null, "specificYield": null,
                   "alertsRaised": 1, "medianAckMinutes": 10.0}]}]}"""));
    }

    @Test
    void withoutSiteOrMonths_everySiteGetsTheLast12MonthsIncludingThisOne_withTheYieldOfItsArrays() throws Exception {
        JsonArray sites = api.object("/api/v1/report").getJsonArray("sites");

        assertThat(sites.stream().map(s -> ((JsonObject) s).getString("site")))
                .containsExactly("food-forest", "solar-array");
        JsonObject solar = sites.getJsonObject(1);
        assertThat(solar.getDouble("peakPowerW")).isEqualTo(4000.0);
        JsonArray months = solar.getJsonArray("months");
        assertThat(months.stream().map(m -> ((JsonObject) m).getString("month"))).hasSize(12)
                .startsWith("2025-12").endsWith("2026-11");
        assertThat(months.getJsonObject(10)).isEqualTo(new JsonObject("""
                {"month": "2026-10", "complete": true, "waterL": null, "energyKWh": 372.5, "specificYield": 93.125,
                 "alertsRaised": 0, "medianAckMinutes": null}"""));
        assertThat(months.getJsonObject(11).getDouble("energyKWh")).isEqualTo(282.0);
        assertThat(months.getJsonObject(0).getValue("energyKWh")).as("a month without readings").isNull();
    }

    @Test
    void csv_hasOneRowPerSiteAndMonth_withEmptyFieldsForWhatIsNotKnown() throws Exception {
        HttpResponse<String> csv = api.get("/api/v1/report?from=2026-10&to=2026-11&format=csv");
        HttpResponse<String> accepted = api.get("/api/v1/report?from=2026-10&to=2026-11", "text/csv");

        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Disposition")).hasValue(
                "attachment; filename=\"steward-report.csv\"");
        assertThat(csv.body()).isEqualTo("""
                site,month,complete,water_l,energy_kwh,specific_yield_kwh_per_kwp,alerts_raised,median_ack_minutes\r
                food-forest,2026-10,true,7450,,,3,35\r
                food-forest,2026-11,false,6204,,,1,10\r
                solar-array,2026-10,true,,372.5,93.125,0,\r
                solar-array,2026-11,false,,282,70.5,0,\r
                """);
        assertThat(accepted.body()).isEqualTo(csv.body());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "?from=2026-13 | from '2026-13' is not a month: write it as YYYY-MM, e.g. 2026-11",
            "?to=november | to 'november' is not a month: write it as YYYY-MM, e.g. 2026-11",
            "?from=2026-11&to=2026-10 | from (2026-11) is after to (2026-10): swap them",
            "?from=2016-01&to=2026-01 | from 2016-01 to 2026-01 is 121 months; a report covers at most 120: ask for "
                    + "the rest in another",
            "?from=2000-01 | from 2000-01 to 2026-11 is 323 months; a report covers at most 120: ask for the rest "
                    + "in another",
            "?site=Food-Forest | site 'Food-Forest' is not a valid id: 1 to 64 characters of a-z, 0-9, '_' and '-', "
                    + "starting with a letter or digit",
            "?format=pdf | format 'pdf' is not csv or json"})
    void badRequests_areRefusedWithASentence(String query, String sentence) throws Exception {
        assertThat(api.refusal("/api/v1/report" + query, 400)).isEqualTo(sentence);
    }

    @Test
    void anUnknownSite_isNotFound_andTheSentenceNamesTheKnownOnes() throws Exception {
        assertThat(api.refusal("/api/v1/report?site=orchard", 404))
                .isEqualTo("no site 'orchard': the collector knows food-forest, solar-array");
    }
}
