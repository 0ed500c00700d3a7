package coop.steward.collector.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import coop.steward.collector.Collector;
import coop.steward.testsupport.CuttableLink;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A site collector forwarding to a hub collector, each on its own real Mosquitto, the hub's broker reached through
 * a link the test can cut. Readings are published to the site's broker as an agent would.
 */
class ForwardingTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;
    private final long t0 = System.currentTimeMillis() - Duration.ofHours(4).toMillis();
    private HubAndSite rig;
    private CuttableLink uplink;
    private Collector site;
    private Collector hub;
    private MqttClient agent;
    private long seq;

    @AfterEach
    void stopEverything() throws Exception {
        if (rig != null) {
            rig.close();
        }
    }

    private void start(String config) throws Exception {
        rig = HubAndSite.start(tmp, null, config);
        uplink = rig.uplink;
        site = rig.site;
        hub = rig.hub;
        agent = rig.client(rig.siteBroker, "agent");
    }

    @Test
    void everySharedReadingReachesTheHub_andWhatTheSiteDoesNotShareNeverDoes() throws Exception {
        start("""
                sites:
                  - {id: food-forest, zone: Europe/Lisbon}
                alerts:
                  arrays:
                    - {site: food-forest, device: bed-1, peakPowerW: 2400}
                    - {site: food-forest, device: pump, peakPowerW: 800}
                sharing:
                  share: everything
                  devices: {pump: nothing, gate: status}
                """);
        // The devices not shared send first: had they been forwarded, they would be at the hub before bed-1's end.
        for (String device : List.of("pump", "gate", "bed-1")) {
            status(device);
        }
        publish("pump", 0, 50);
        publish("gate", 0, 50);
        publish("bed-1", 0, 200);

        await().atMost(WAIT).until(() -> count(hub, "bed-1") == 200);
        await().atMost(WAIT).until(() -> devices(hub).size() == 2);
        assertThat(count(site, "pump")).as("stored at the site").isEqualTo(50);
        assertThat(count(hub, "pump")).as("shared nothing").isZero();
        assertThat(count(hub, "gate")).as("shared its status only").isZero();
        assertThat(devices(hub)).as("the hub knows only what the site shares")
                .containsExactlyInAnyOrder("bed-1: online", "gate: online");
        assertThat(metric(site, "steward_forward_written_total"))
                .as("messages written to the SD card while the hub confirmed them promptly").isZero();
        // The hub follows the site's time zone and knows the size of the arrays it shares, for yields and reports.
        await().atMost(WAIT).untilAsserted(() -> {
            JsonObject atHub = new JsonArray(get(hub, "/api/v1/sites")).stream().map(o -> (JsonObject) o)
                    .filter(o -> o.getString("site").equals("food-forest")).findFirst().orElseThrow();
            assertThat(atHub.getString("zone")).isEqualTo("Europe/Lisbon");
            assertThat(atHub.getJsonArray("arrays").stream().map(a -> ((JsonObject) a).getString("device") + " "
                    + ((JsonObject) a).getDouble("peakPowerW"))).as("not the array of a device shared nothing")
                    .containsExactly("bed-1 2400.0");
        });

        await().atMost(WAIT).untilAsserted(() -> {
            JsonObject report = hubSite();
            assertThat(report.getString("state")).isEqualTo("connected");
            assertThat(report.getString("share")).isEqualTo("everything");
            assertThat(report.getJsonObject("devices").getMap()).as("not even the id of a device not shared")
                    .containsExactly(Map.entry("gate", "status"));
            assertThat(report.getLong("backlog")).isZero();
            assertThat(report.getLong("lagSeconds")).isZero();
        });
    }

    @Test
    void aCutLink_leavesTheBacklogAtTheSite_whichCatchesUpAtItsRate_liveReadingsFirst() throws Exception {
        start("""
                sharing: {catchUpPerSecond: 500}
                """);
        publish("bed-1", 0, 100);
        await().atMost(WAIT).until(() -> count(hub, "bed-1") == 100);

        uplink.cut();
        publish("bed-1", 100, 3_000); // a backlog of 3,000 readings, stored at the site while the hub is cut off
        await().atMost(WAIT).until(() -> count(site, "bed-1") == 3_100);
        // Unconfirmed after the hold, each message is written to forward.db before its agent is answered.
        await().atMost(WAIT).until(() -> metric(site, "steward_forward_written_total") >= 30);
        assertThat(count(hub, "bed-1")).isEqualTo(100);
        await().atMost(WAIT).untilAsserted(() -> {
            JsonObject health = new JsonObject(get(site, "/health"));
            assertThat(health.getString("status")).as("a site without its hub works on").isEqualTo("UP");
            assertThat(health.getString("hub")).isEqualTo("disconnected");
            assertThat(health.getString("hubProblem")).contains(uplink.url());
            // And the first 100, if the hub's confirmation had not come back before the cut: kept until it does.
            assertThat(health.getLong("hubBacklog")).isBetween(3_000L, 3_100L);
        });

        uplink.mend();
        await().atMost(WAIT).until(() -> count(hub, "bed-1") > 100);
        long catchUpStarted = System.nanoTime();
        assertThat(hubSite().getLong("backlog")).as("the site's report on reconnecting").isPositive();
        publish("bed-1", 10_000, 10); // live: taken after the link came back, and newer than the backlog
        await().atMost(WAIT).until(() -> count(hub, "bed-1", 10_000) == 10);
        long backlogArrived = count(hub, "bed-1") - 10;
        await().atMost(WAIT).until(() -> count(hub, "bed-1") == 3_110);
        double catchUpSeconds = (System.nanoTime() - catchUpStarted) / 1e9;

        assertThat(backlogArrived).as("backlog at the hub when the live readings were there").isLessThan(3_100);
        // 3,000 readings at 500 a second, with at most a second's worth sent at once: at least 4 seconds.
        assertThat(catchUpSeconds).as("seconds to catch up").isGreaterThan(3.5);
        await().atMost(WAIT).untilAsserted(() -> assertThat(hubSite().getLong("backlog")).isZero());
    }

    @Test
    void aDeviceTheSiteStopsSharing_sendsTheHubNothingMore_notEvenWhatWaited() throws Exception {
        start("""
                sharing: {share: everything}
                """);
        publish("bed-1", 0, 100);
        publish("pump", 0, 100);
        await().atMost(WAIT).until(() -> count(hub, "bed-1") == 100 && count(hub, "pump") == 100);

        uplink.cut();
        publish("pump", 100, 100); // waits at the site for the hub
        await().atMost(WAIT).until(() -> count(site, "pump") == 200);
        JsonObject saved = saveSettings("""
                sharing:
                  share: everything
                  devices: {pump: nothing}
                """);
        assertThat(saved.getJsonArray("now").getList()).contains("sharing with the hub");
        uplink.mend();
        publish("pump", 200, 100);
        publish("bed-1", 100, 100);

        await().atMost(WAIT).until(() -> count(hub, "bed-1") == 200);
        await().atMost(WAIT).until(() -> count(hub, "bed-1") == 200);
        assertThat(count(site, "pump")).as("stored at the site").isEqualTo(300);
        assertThat(count(hub, "pump")).as("at the hub: only what was shared before the change").isEqualTo(100);
    }

    @Test
    void aDeviceSharedHourly_sendsOneReadingPerSensorAndHour_theMeanOrAMetersLastValue() throws Exception {
        start("""
                sharing:
                  share: everything
                  devices: {meter: hourly}
                """);
        // Not within a minute of the next hour settling: the forwarder would start after it and skip this one.
        long untilSettles = Summaries.settledHour(System.currentTimeMillis()) + Summaries.HOUR + Summaries.SETTLES_MS
                - System.currentTimeMillis();
        if (untilSettles < 60_000) {
            Thread.sleep(untilSettles + 1_000);
        }
        long hour = Summaries.settledHour(System.currentTimeMillis()) - Summaries.HOUR; // the last hour that is over
        StringBuilder readings = new StringBuilder();
        double[] moisture = {10, 20, 36};
        double[] litres = {100, 150, 175};
        for (int i = 0; i < 3; i++) {
            long t = hour + i * 20 * 60_000L;
            readings.append(i == 0 ? "" : ",").append("{\"sensor\":\"soil-a\",\"kind\":\"soil_moisture\",\"t\":")
                    .append(t).append(",\"value\":").append(moisture[i]).append("},{\"sensor\":\"water\","
                    + "\"kind\":\"water_total\",\"t\":").append(t).append(",\"value\":").append(litres[i]).append('}');
        }
        MqttMessage message = new MqttMessage(("{\"v\":1,\"device\":\"meter\",\"seq\":1,\"readings\":[" + readings
                + "]}").getBytes(StandardCharsets.UTF_8));
        message.setQos(1);
        agent.publish("steward/v1/food-forest/meter/readings", message);

        await().atMost(WAIT).until(() -> series(hub, "meter", "water", hour).getJsonArray("t").size() == 1);
        JsonObject water = series(hub, "meter", "water", hour);
        assertThat(water.getJsonArray("t").getLong(0)).as("at the hour's start").isEqualTo(hour);
        assertThat(water.getJsonArray("value").getDouble(0)).as("a meter's last value in the hour").isEqualTo(175.0);
        await().atMost(WAIT).until(() -> series(hub, "meter", "soil-a", hour).getJsonArray("t").size() == 1);
        assertThat(series(hub, "meter", "soil-a", hour).getJsonArray("value").getDouble(0)).as("the hour's mean")
                .isEqualTo(22.0);
        assertThat(series(site, "meter", "soil-a", hour).getJsonArray("t")).as("raw at the site").hasSize(3);
    }

    private JsonObject series(Collector collector, String device, String sensor, long from) throws Exception {
        return new JsonObject(get(collector, "/api/v1/series?site=food-forest&device=" + device + "&sensor=" + sensor
                + "&from=" + from + "&limit=1000"));
    }

    private JsonObject saveSettings(String yaml) throws Exception {
        return rig.saveSiteSettings(yaml);
    }

    /** Readings {@code from} to {@code from + n - 1} of sensor soil-a, a second apart, in messages of up to 100. */
    private void publish(String device, int from, int n) throws Exception {
        for (int start = from; start < from + n; start += 100) {
            StringBuilder json = new StringBuilder("{\"v\":1,\"device\":\"" + device + "\",\"seq\":" + seq++
                    + ",\"readings\":[");
            for (int i = start; i < Math.min(from + n, start + 100); i++) {
                json.append(i == start ? "" : ",").append("{\"sensor\":\"soil-a\",\"kind\":\"soil_moisture\",\"t\":")
                        .append(t0 + i * 1_000L).append(",\"value\":").append(i % 100).append('}');
            }
            MqttMessage message = new MqttMessage(json.append("]}").toString().getBytes(StandardCharsets.UTF_8));
            message.setQos(1);
            agent.publish("steward/v1/food-forest/" + device + "/readings", message);
        }
    }

    private double metric(Collector collector, String name) throws Exception {
        return get(collector, "/metrics").lines().filter(line -> line.startsWith(name + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(name.length() + 1))).findFirst().orElse(-1);
    }

    private long count(Collector collector, String device) throws Exception {
        return count(collector, device, 0);
    }

    /** Readings of the device's soil-a from reading {@code from} on. */
    private long count(Collector collector, String device, int from) throws Exception {
        JsonObject series = new JsonObject(get(collector, "/api/v1/series?site=food-forest&device=" + device
                + "&sensor=soil-a&from=" + (t0 + from * 1_000L) + "&limit=1000000"));
        return series.getJsonArray("t").size();
    }

    /** Each device the collector knows, with its state. */
    private List<String> devices(Collector collector) throws Exception {
        return new JsonArray(get(collector, "/api/v1/devices")).stream().map(d -> (JsonObject) d)
                .map(d -> d.getString("device") + ": " + d.getString("state")).toList();
    }

    private void status(String device) throws Exception {
        MqttMessage message = new MqttMessage(("{\"v\":1,\"state\":\"online\",\"t\":" + System.currentTimeMillis()
                + ",\"agent\":\"test\",\"outbox\":0,\"uptime_s\":1}").getBytes(StandardCharsets.UTF_8));
        message.setQos(1);
        message.setRetained(true);
        agent.publish("steward/v1/food-forest/" + device + "/status", message);
    }

    private JsonObject hubSite() throws Exception {
        JsonArray sites = new JsonArray(get(hub, "/api/v1/hub/sites"));
        assertThat(sites).hasSize(1);
        assertThat(sites.getJsonObject(0).getString("site")).isEqualTo("food-forest");
        return sites.getJsonObject(0);
    }

    private String get(Collector collector, String path) throws Exception {
        return rig.get(collector, path);
    }
}
