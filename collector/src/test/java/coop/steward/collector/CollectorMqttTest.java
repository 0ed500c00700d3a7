package coop.steward.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import coop.steward.collector.ingest.IngestSettings;
import coop.steward.protocol.ProtocolJson;
import coop.steward.protocol.SeqRange;
import coop.steward.testsupport.MosquittoBroker;
import coop.steward.testsupport.MovableClock;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The collector against a real Mosquitto, driven the way a user's own script would: raw MQTT messages. */
class CollectorMqttTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path tmp;
    private MosquittoBroker broker;
    private Vertx vertx;
    private Collector collector;
    private MqttClient publisher;
    private final HttpClient http = HttpClient.newHttpClient();
    /**
     * Runs at the real pace from ten minutes after the tests' readings (2025-11-24T16:00Z), pinned so the readings
     * stay recent whatever the date: the collector's upkeep, 30 s after start, deletes readings older than the
     * 90-day retention.
     */
    private final MovableClock clock = MovableClock.runningFrom(1_764_000_600_000L);

    @BeforeEach
    void start() throws Exception {
        broker = MosquittoBroker.start(tmp.resolve("mosquitto"));
        // A low limit makes any blocking call on an event loop show up as a warning in the build log.
        vertx = Vertx.vertx(new VertxOptions().setMaxEventLoopExecuteTime(200).setMaxEventLoopExecuteTimeUnit(
                TimeUnit.MILLISECONDS));
        collector = startCollector();
        publisher = new MqttClient(broker.url(), "test-publisher", new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMaxInflight(1_000);
        publisher.connect(options);
        await().atMost(WAIT).until(() -> get("/health").statusCode() == 200);
    }

    private Collector startCollector() throws Exception {
        IngestSettings ingest = new IngestSettings(broker.url(), "collector-under-test", null, null, 1_000, 20_000);
        return Collector.start(vertx, new CollectorSettings(ingest, "127.0.0.1", 0, tmp.resolve("data")), clock)
                .await(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        if (publisher != null && publisher.isConnected()) {
            publisher.disconnect();
        }
        if (collector != null) {
            collector.stop().await(10, TimeUnit.SECONDS);
        }
        vertx.close().await(10, TimeUnit.SECONDS);
        broker.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + collector.httpPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonObject series(String device, String sensor) throws Exception {
        HttpResponse<String> response = get("/api/v1/series?site=food-forest&device=" + device + "&sensor=" + sensor
                + "&from=1764000000000&to=1764000600000");
        assertThat(response.statusCode()).isEqualTo(200);
        return new JsonObject(response.body());
    }

    private void publish(String device, String json) throws Exception {
        publish(device, "food-forest", json);
    }

    private void publish(String device, String site, String json) throws Exception {
        MqttMessage message = new MqttMessage(json.getBytes(StandardCharsets.UTF_8));
        message.setQos(1);
        publisher.publish("steward/v1/" + site + "/" + device + "/readings", message);
    }

    @Test
    void handWrittenMessage_isStoredAndServed() throws Exception {
        publish("bed-3", """
                {"v": 1, "device": "bed-3", "seq": 1042, "readings": [
                  {"sensor": "soil-a", "kind": "soil_moisture", "t": 1764000000000, "value": 31.4, "unit": "%"},
                  {"sensor": "soil-a", "kind": "soil_moisture", "t": 1764000060000, "value": 30.9}
                ]}""");

        await().atMost(WAIT).untilAsserted(() -> assertThat(series("bed-3", "soil-a").getJsonArray("t")).hasSize(2));
        JsonObject body = series("bed-3", "soil-a");
        assertThat(body.getJsonArray("t")).containsExactly(1764000000000L, 1764000060000L);
        assertThat(body.getJsonArray("value")).containsExactly(31.4, 30.9);
        assertThat(body.getString("kind")).isEqualTo("soil_moisture");
        assertThat(body.getString("unit")).isEqualTo("%");

        JsonArray devices = new JsonArray(get("/api/v1/devices").body());
        assertThat(devices).hasSize(1);
        JsonObject device = devices.getJsonObject(0);
        assertThat(device.getString("state")).isEqualTo("unknown");
        assertThat(device.getLong("lastSeen")).isNotNull();
        assertThat(device.getJsonArray("sensors").getJsonObject(0).getJsonObject("last").getDouble("value"))
                .isEqualTo(30.9);
    }

    @Test
    void messageFromMosquittoPub_isStored() throws Exception {
        Process pub = new ProcessBuilder("mosquitto_pub", "-h", "127.0.0.1", "-p", Integer.toString(broker.port()),
                "-q", "1", "-t", "steward/v1/food-forest/bed-5/readings", "-m",
                "{\"v\": 1, \"device\": \"bed-5\", \"seq\": 1, \"readings\": [{\"sensor\": \"soil-a\", "
                        + "\"kind\": \"soil_moisture\", \"t\": 1764000000000, \"value\": 27.5}]}")
                .redirectErrorStream(true).start();
        assertThat(pub.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(pub.exitValue()).as(new String(pub.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isZero();

        await().atMost(WAIT).untilAsserted(() -> assertThat(series("bed-5", "soil-a").getJsonArray("value"))
                .containsExactly(27.5));
    }

    @Test
    void seriesAsCsv_hasAHeaderAndOneRowPerPoint() throws Exception {
        publish("bed-3", """
                {"v": 1, "device": "bed-3", "seq": 1, "readings": [
                  {"sensor": "soil-a", "kind": "soil_moisture", "t": 1764000000000, "value": 31.4},
                  {"sensor": "soil-a", "kind": "soil_moisture", "t": 1764000060000, "value": 30}
                ]}""");
        await().atMost(WAIT).untilAsserted(() -> assertThat(series("bed-3", "soil-a").getJsonArray("t")).hasSize(2));
        String query = "/api/v1/series?site=food-forest&device=bed-3&sensor=soil-a&from=1764000000000&to=1764000600000";

        HttpResponse<String> csv = get(query + "&format=csv");
        HttpResponse<String> byAccept = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + collector.httpPort() + query)).header("Accept", "text/csv").build(), HttpResponse.BodyHandlers.ofString());

        assertThat(csv.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
        assertThat(csv.body()).isEqualTo("time,t,value,unit\r\n"
                + "2025-11-24T16:00:00Z,1764000000000,31.4,%\r\n"
                + "2025-11-24T16:01:00Z,1764000060000,30,%\r\n");
        assertThat(byAccept.body()).isEqualTo(csv.body());
        assertThat(get(query + "&format=csv&step=1h&agg=max").body()).isEqualTo("time,t,max,unit\r\n"
                + "2025-11-24T16:00:00Z,1764000000000,31.4,%\r\n");
        assertThat(get(query + "&format=xml").statusCode()).isEqualTo(400);
    }

    @Test
    void malformedMessage_isListedAndCounted_andTheCollectorKeepsServing() throws Exception {
        publish("bed-3", "{\"v\": 1, \"device\": \"bed-3\", \"seq\": 1, \"readings\": [ oops");
        publish("bed-3", """
                {"v": 1, "device": "bed-3", "seq": 2, "readings": [
                  {"sensor": "soil-a", "kind": "soil_moisture", "t": 1764000000000, "value": "wet"},
                  {"sensor": "soil-a", "kind": "soil_moisture", "t": 1764000060000, "value": 30.9}
                ]}""");

        await().atMost(WAIT).untilAsserted(() -> assertThat(series("bed-3", "soil-a").getJsonArray("t")).hasSize(1));
        JsonArray rejected = new JsonArray(get("/api/v1/rejected").body());
        assertThat(rejected).hasSize(2);
        assertThat(rejected.getJsonObject(0).getString("reason")).isEqualTo("bad_value");
        assertThat(rejected.getJsonObject(1).getString("reason")).isEqualTo("not_json");
        assertThat(rejected.getJsonObject(1).getString("topic")).isEqualTo("steward/v1/food-forest/bed-3/readings");
        assertThat(rejected.getJsonObject(1).getLong("t")).isPositive();
        String metrics = get("/metrics").body();
        assertThat(metrics).contains("steward_rejected_total{reason=\"not_json\"} 1.0")
                .contains("steward_rejected_total{reason=\"bad_value\"} 1.0")
                .contains("steward_rejected_total{reason=\"too_large\"} 0.0");
        assertThat(get("/health").statusCode()).isEqualTo(200);
    }

    @Test
    void replayedMessage_isStoredOnce() throws Exception {
        String message = """
                {"v": 1, "device": "bed-1", "seq": 7, "readings": [
                  {"sensor": "flow", "kind": "flow_rate", "t": 1764000000000, "value": 6.5}
                ]}""";
        publish("bed-1", message);
        publish("bed-1", message.replace("\"seq\": 7", "\"seq\": 0")); // a device whose counter was reset
        publish("bed-1", message.replace("1764000000000", "1764000001000"));

        await().atMost(WAIT).untilAsserted(() -> assertThat(series("bed-1", "flow").getJsonArray("t")).hasSize(2));
        assertThat(get("/metrics").body()).contains("steward_readings_duplicate_total 1.0");
    }

    @Test
    void committedMessages_areConfirmedOnTheAckTopic() throws Exception {
        List<SeqRange> acked = new CopyOnWriteArrayList<>();
        MqttClient agent = new MqttClient(broker.url(), "fake-agent", new MemoryPersistence());
        agent.connect();
        agent.subscribe("steward/v1/food-forest/bed-2/readings/ack", 1,
                (topic, msg) -> acked.addAll(ProtocolJson.decodeAck(msg.getPayload())));
        for (int seq = 10; seq < 15; seq++) {
            publish("bed-2", "{\"v\": 1, \"device\": \"bed-2\", \"seq\": " + seq + ", \"readings\": [{\"sensor\": "
                    + "\"v\", \"kind\": \"valve_state\", \"t\": " + (1764000000000L + seq) + ", \"value\": 1}]}");
        }
        publish("bed-2", "{\"v\": 1, \"device\": \"bed-2\", \"seq\": 20, \"readings\": []}"); // rejected whole: final
        publish("bed-2", "{\"v\": 9, \"device\": \"bed-2\", \"seq\": 21, \"readings\": []}");

        await().atMost(WAIT).untilAsserted(() -> assertThat(acked.stream()
                .flatMapToLong(r -> java.util.stream.LongStream.rangeClosed(r.from(), r.to())).sorted().toArray())
                .containsExactly(10, 11, 12, 13, 14, 20, 21));
        agent.disconnect();
    }

    @Test
    void statusMessages_setTheDeviceState() throws Exception {
        MqttMessage online = new MqttMessage(("{\"v\": 1, \"state\": \"online\", \"t\": 1764000000000, "
                + "\"agent\": \"0.1.0\", \"outbox\": 0, \"uptime_s\": 12}").getBytes(StandardCharsets.UTF_8));
        online.setQos(1);
        online.setRetained(true);
        publisher.publish("steward/v1/solar-array/array-1/status", online);

        await().atMost(WAIT).untilAsserted(() -> assertThat(new JsonArray(get("/api/v1/devices").body()))
                .singleElement().satisfies(d -> assertThat(((JsonObject) d).getString("state")).isEqualTo("online")));

        publisher.publish("steward/v1/solar-array/array-1/status",
                "{\"v\": 1, \"state\": \"offline\"}".getBytes(StandardCharsets.UTF_8), 1, true);
        await().atMost(WAIT).untilAsserted(() -> assertThat(new JsonArray(get("/api/v1/devices").body()))
                .singleElement().satisfies(d -> assertThat(((JsonObject) d).getString("state")).isEqualTo("offline")));
    }

    @Test
    void devices_showTheHealthOfTheirLatestStatus_keptThroughALastWill_andNullBeforeAnyStatus() throws Exception {
        String hash = "3f2a9c" + "0".repeat(58);
        publisher.publish("steward/v1/food-forest/bed-1/status", ("{\"v\": 1, \"state\": \"online\", "
                + "\"t\": 1764000000000, \"agent\": \"0.1.0\", \"outbox\": 3, \"uptime_s\": 12, \"dropped\": 0, "
                + "\"uncorrectable\": 1, \"clock_synced\": true, \"faults\": {\"soil-temp\": \"sensor soil-temp: no "
                + "DS18B20 at 28-0000\"}, \"config\": \"" + hash + "\"}").getBytes(StandardCharsets.UTF_8), 1, true);
        publish("bed-2", "{\"v\": 1, \"device\": \"bed-2\", \"seq\": 0, \"readings\": [{\"sensor\": \"soil-a\", "
                + "\"kind\": \"soil_moisture\", \"t\": 1764000000000, \"value\": 30}]}");
        JsonObject expected = new JsonObject().put("agent", "0.1.0").put("uptimeS", 12).put("outbox", 3)
                .put("dropped", 0).put("uncorrectable", 1).put("clockSynced", true)
                .put("faults", new JsonObject().put("soil-temp", "sensor soil-temp: no DS18B20 at 28-0000"))
                .put("config", hash).put("t", 1764000000000L);

        await().atMost(WAIT).untilAsserted(() -> assertThat(device("bed-1").getJsonObject("health"))
                .isEqualTo(expected));
        await().atMost(WAIT).untilAsserted(() -> assertThat(device("bed-2")).isNotNull());
        assertThat(device("bed-2").containsKey("health")).isTrue();
        assertThat(device("bed-2").getValue("health")).as("no status from bed-2 yet").isNull();

        publisher.publish("steward/v1/food-forest/bed-1/status",
                "{\"v\": 1, \"state\": \"offline\"}".getBytes(StandardCharsets.UTF_8), 1, true);
        await().atMost(WAIT).untilAsserted(() -> assertThat(device("bed-1").getString("state")).isEqualTo("offline"));
        assertThat(device("bed-1").getJsonObject("health")).isEqualTo(expected);
    }

    @Test
    void health_comesBackAfterACollectorRestart_fromTheRetainedStatus() throws Exception {
        publisher.publish("steward/v1/food-forest/bed-1/status", ("{\"v\": 1, \"state\": \"online\", "
                + "\"t\": 1764000000000, \"agent\": \"0.1.0\", \"uptime_s\": 12}").getBytes(StandardCharsets.UTF_8),
                1, true);
        await().atMost(WAIT).untilAsserted(() -> assertThat(device("bed-1").getJsonObject("health")).isNotNull());
        collector.stop().await(10, TimeUnit.SECONDS);

        collector = startCollector();

        await().atMost(WAIT).untilAsserted(() -> assertThat(device("bed-1").getJsonObject("health"))
                .isEqualTo(new JsonObject("{\"agent\": \"0.1.0\", \"uptimeS\": 12, \"outbox\": null, "
                        + "\"dropped\": null, \"uncorrectable\": null, \"clockSynced\": null, \"faults\": {}, "
                        + "\"config\": null, \"t\": 1764000000000}")));
    }

    private JsonObject device(String device) throws Exception {
        for (Object d : new JsonArray(get("/api/v1/devices").body())) {
            if (((JsonObject) d).getString("device").equals(device)) {
                return (JsonObject) d;
            }
        }
        return null;
    }

    @Test
    void onlineDeviceThatGoesSilent_isShownOffline_withoutALastWill() throws Exception {
        long now = clock.millis();
        publisher.publish("steward/v1/solar-array/array-2/status", ("{\"v\": 1, \"state\": \"online\", \"t\": "
                + now + "}").getBytes(StandardCharsets.UTF_8), 1, true);
        publish("array-2", "solar-array", "{\"v\": 1, \"device\": \"array-2\", \"seq\": 0, \"readings\": [{\"sensor\": "
                + "\"p\", \"kind\": \"solar_power\", \"t\": " + now + ", \"value\": 100}]}");
        await().atMost(WAIT).untilAsserted(() -> assertThat(deviceState("array-2")).isEqualTo("online"));

        clock.advance(Duration.ofSeconds(29)); // less than three of the shortest interval that counts
        assertThat(deviceState("array-2")).isEqualTo("online");
        clock.advance(Duration.ofMinutes(3)); // more than three of the longest
        assertThat(deviceState("array-2")).isEqualTo("offline");
    }

    private String deviceState(String device) throws Exception {
        for (Object d : new JsonArray(get("/api/v1/devices").body())) {
            if (((JsonObject) d).getString("device").equals(device)) {
                return ((JsonObject) d).getString("state");
            }
        }
        return null;
    }

    @Test
    void messagesSentWhileTheCollectorIsDown_arriveAfterItReturns() throws Exception {
        collector.stop().await(10, TimeUnit.SECONDS);
        for (int i = 0; i < 50; i++) {
            publish("bed-1", "{\"v\": 1, \"device\": \"bed-1\", \"seq\": " + i + ", \"readings\": [{\"sensor\": "
                    + "\"soil-a\", \"kind\": \"soil_moisture\", \"t\": " + (1764000000000L + i * 1000L)
                    + ", \"value\": 30}]}");
        }
        collector = startCollector();

        await().atMost(WAIT).untilAsserted(() -> assertThat(series("bed-1", "soil-a").getJsonArray("t")).hasSize(50));
    }

    @Test
    void brokerDown_makesHealthSay503WithTheReason_andRecovers() throws Exception {
        broker.stop();

        await().atMost(WAIT).untilAsserted(() -> {
            HttpResponse<String> health = get("/health");
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(new JsonObject(health.body()).getString("error")).contains("MQTT broker", broker.url());
        });
        broker.restart();
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/health").statusCode() == 200);
    }

    @Test
    void aBrokerThatDiesWithoutAWord_showsInHealthWithinSeconds_notAfterAKeepAlive() throws Exception {
        broker.kill(); // SIGKILL: no goodbye on the wire, only the closed socket

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            HttpResponse<String> health = get("/health");
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(new JsonObject(health.body()).getString("broker")).isEqualTo("disconnected");
        });
    }

    @Test
    void badSeriesRequest_answers400WithASentence() throws Exception {
        HttpResponse<String> response = get("/api/v1/series?site=food-forest&device=bed-1&sensor=soil-a&step=soon");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(response.body()).getString("error")).contains("step 'soon'");
        assertThat(get("/api/v1/nothing").statusCode()).isEqualTo(404);
        assertThat(new JsonObject(get("/api/v1/nothing").body()).getString("error")).isNotBlank();
    }

    @Test
    void dashboard_isServedAtTheRoot() throws Exception {
        HttpResponse<String> page = get("/");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<title>Steward");
    }
}
