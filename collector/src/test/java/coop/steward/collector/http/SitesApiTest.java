package coop.steward.collector.http;

import static org.assertj.core.api.Assertions.assertThat;

import coop.steward.protocol.Reading;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SitesApiTest {
    private static final long T0 = Instant.parse("2026-11-24T12:00:00Z").toEpochMilli();

    @TempDir
    Path tmp;

    @Test
    void sites_listEveryKnownSiteSorted_withItsZoneArraysAndTheThresholdRulesThatWatchIt() throws Exception {
        ApiServer.store(tmp, "orchard", "bed-9", List.of(new Reading("soil-a", "soil_moisture", T0, 30, null)));
        try (ApiServer api = ApiServer.start(tmp, """
                sites:
                  - {id: food-forest, zone: Europe/London}
                  - {id: hilltop, zone: Asia/Kolkata}
                alerts:
                  arrays:
                    - {site: solar-array, device: array-1, sensor: power, peakPowerW: 2400}
                    - {site: solar-array, device: array-2, peakPowerW: 800, facing: east-west}
                  rules:
                    - {id: berries-dry, type: threshold, kind: soil_moisture, sites: [food-forest],
                       devices: [bed-3], sensors: [soil-b, soil-a], below: 26, hysteresis: 3}
                    - {id: hilltop-hot, type: threshold, kind: air_temperature, sites: [hilltop], above: 35}
                """, Clock.fixed(Instant.ofEpochMilli(T0), ZoneOffset.UTC))) {

            JsonArray sites = api.array("/api/v1/sites");

            assertThat(sites.stream().map(s -> ((JsonObject) s).getString("site")))
                    .containsExactly("food-forest", "hilltop", "orchard", "solar-array");
            JsonObject forest = sites.getJsonObject(0);
            assertThat(forest.getString("zone")).isEqualTo("Europe/London");
            assertThat(forest.getJsonArray("arrays")).isEmpty();
            assertThat(rules(forest)).containsExactly("soil-dry", "soil-wilting", "soil-waterlogged", "berries-dry");
            assertThat(forest.getJsonArray("thresholds").getJsonObject(3)).isEqualTo(new JsonObject(
                    "{\"rule\": \"berries-dry\", \"severity\": \"warning\", \"kind\": \"soil_moisture\", "
                            + "\"below\": 26.0, \"hysteresis\": 3.0, \"devices\": [\"bed-3\"], "
                            + "\"sensors\": [\"soil-a\", \"soil-b\"]}"));
            assertThat(forest.getJsonArray("thresholds").getJsonObject(2)).isEqualTo(new JsonObject(
                    "{\"rule\": \"soil-waterlogged\", \"severity\": \"warning\", \"kind\": \"soil_moisture\", "
                            + "\"above\": 45.0, \"hysteresis\": 5.0, \"devices\": [], \"sensors\": []}"));
            assertThat(rules(sites.getJsonObject(1))).containsExactly("soil-dry", "soil-wilting", "soil-waterlogged",
                    "hilltop-hot");
            assertThat(sites.getJsonObject(2).getString("zone")).as("a site the config does not list")
                    .isEqualTo(ZoneId.systemDefault().getId());
            assertThat(sites.getJsonObject(3).getJsonArray("arrays")).isEqualTo(new JsonArray(
                    "[{\"device\": \"array-1\", \"sensor\": \"power\", \"peakPowerW\": 2400.0, \"facing\": null},"
                            + " {\"device\": \"array-2\", \"sensor\": null, \"peakPowerW\": 800.0,"
                            + " \"facing\": \"east-west\"}]"));
        }
    }

    private static List<String> rules(JsonObject site) {
        return site.getJsonArray("thresholds").stream().map(t -> ((JsonObject) t).getString("rule")).toList();
    }
}
