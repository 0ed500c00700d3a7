package coop.steward.collector.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import coop.steward.collector.Collector;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hub compares a site's array with the arrays of three neighbouring sites and the site, which has no irradiance
 * sensor, raises its own alert; each collector on its own real Mosquitto. The neighbours' readings reach the hub as
 * their agents' would; the site's are forwarded by its collector.
 */
class NeighboursTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ZoneId ZONE = ZoneId.of("Europe/Lisbon");
    private static final String HUB = """
            sites:
              - {id: orchard, zone: Europe/Lisbon}
              - {id: hill, zone: Europe/Lisbon}
              - {id: river, zone: Europe/Lisbon}
              - {id: school, zone: Europe/Lisbon}
            alerts:
              arrays:
                - {site: hill, device: roof, peakPowerW: 3000, facing: south}
                - {site: river, device: shed, peakPowerW: 2000, facing: south}
                - {site: school, device: hall, peakPowerW: 5000, facing: south}
                - {site: school, device: bikes, peakPowerW: 1000, facing: east}
            neighbours:
              checkEvery: 1s
            """;
    private static final String SITE = """
            sites:
              - {id: orchard, zone: Europe/Lisbon}
            alerts:
              arrays:
                - {site: orchard, device: array-1, peakPowerW: 2000, facing: south}
            """;

    @TempDir
    Path tmp;
    private final LocalDate today = LocalDate.now(ZONE);
    private HubAndSite rig;
    private long seq;

    @AfterEach
    void stopEverything() throws Exception {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void anArrayBelowItsNeighboursForThreeDaysRaisesAnAlertAtItsOwnSite_andStoppingSharingItResolvesIt()
            throws Exception {
        rig = HubAndSite.start(tmp, HUB, SITE);
        MqttClient siteAgent = rig.client(rig.siteBroker, "agent");
        MqttClient neighbours = rig.client(rig.hubBroker, "neighbours");
        // Five whole days: the neighbours make 4 kWh per kWp a day; the orchard's array as much on the first two,
        // then half of it for three days.
        for (String array : List.of("hill/roof", "river/shed", "school/hall", "school/bikes")) {
            publish(neighbours, array, day -> 0.5);
        }
        publish(siteAgent, "orchard/array-1", day -> day < 2 ? 0.5 : 0.25);

        await().atMost(WAIT).until(() -> open(rig.site).size() == 1);
        JsonObject alert = open(rig.site).getJsonObject(0);
        assertThat(alert.getString("rule")).isEqualTo("below-neighbours");
        assertThat(alert.getString("device")).isEqualTo("array-1");
        assertThat(alert.getString("severity")).isEqualTo("warning");
        assertThat(alert.getString("message")).as("what a steward needs: how far below, against whom, how long")
                .contains("orchard/array-1 made 2 kWh per kWp on " + today.minusDays(1))
                .contains("50% of the median of 3 arrays at neighbouring sites (4)")
                .contains("for 3 days in a row");
        assertThat(alert.getLong("since")).as("the first day below, from the site's midnight")
                .isEqualTo(today.minusDays(3).atStartOfDay(ZONE).toInstant().toEpochMilli());

        // The site stops sharing the array: the hub no longer compares it, and the site's alert resolves.
        rig.saveSiteSettings(SITE + "sharing:\n  devices: {array-1: nothing}\n");
        await().atMost(WAIT).until(() -> open(rig.site).isEmpty());
        JsonObject resolved = new JsonArray(rig.get(rig.site, "/api/v1/alerts?state=resolved")).getJsonObject(0);
        assertThat(resolved.getString("resolution")).contains("no longer compares the array");
    }

    private interface Output {
        /** The fraction of its peak power the array gives in each of eight hours of daylight on day {@code day}. */
        double of(int day);
    }

    /** Hourly readings of the five whole days before today, zero at night. */
    private void publish(MqttClient client, String array, Output output) throws Exception {
        String[] ids = array.split("/");
        double peak = switch (ids[1]) {
            case "roof" -> 3000;
            case "hall" -> 5000;
            case "bikes" -> 1000;
            default -> 2000;
        };
        StringBuilder json = new StringBuilder("{\"v\":1,\"device\":\"" + ids[1] + "\",\"seq\":" + seq++
                + ",\"readings\":[");
        for (int day = 0; day < 5; day++) {
            long midnight = today.minusDays(5 - day).atStartOfDay(ZONE).toInstant().toEpochMilli();
            for (int hour = 0; hour < 24; hour++) {
                double watts = hour >= 8 && hour < 16 ? output.of(day) * peak : 0;
                json.append(day == 0 && hour == 0 ? "" : ",")
                        .append("{\"sensor\":\"power\",\"kind\":\"solar_power\",\"t\":").append(midnight + hour * 3_600_000L)
                        .append(",\"value\":").append(watts).append('}');
            }
        }
        MqttMessage message = new MqttMessage(json.append("]}").toString().getBytes(StandardCharsets.UTF_8));
        message.setQos(1);
        client.publish("steward/v1/" + array + "/readings", message);
        MqttMessage status = new MqttMessage(("{\"v\":1,\"state\":\"online\",\"t\":" + System.currentTimeMillis()
                + ",\"agent\":\"test\",\"outbox\":0,\"uptime_s\":1}").getBytes(StandardCharsets.UTF_8));
        status.setQos(1);
        status.setRetained(true);
        client.publish("steward/v1/" + array + "/status", status);
    }

    private JsonArray open(Collector collector) throws Exception {
        return new JsonArray(rig.get(collector, "/api/v1/alerts?state=open"));
    }
}
