package coop.steward.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import coop.steward.collector.config.CollectorConfig;
import coop.steward.collector.ingest.IngestSettings;
import coop.steward.testsupport.MosquittoBroker;
import coop.steward.testsupport.RawMqtt;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client with valid credentials that turns hostile (a compromised device) cannot grow what the collector keeps:
 * devices, series, rejections and statuses are bounded, and readings of what it already knows keep being stored.
 * Against a real Mosquitto.
 */
class CollectorLimitsTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String SITE = "food-forest";
    /** An hour ago, whatever the date: recent enough for the store's upkeep, never in the future. */
    private static final long T0 = System.currentTimeMillis() / 60_000 * 60_000 - 3_600_000;

    @TempDir
    Path tmp;
    private MosquittoBroker broker;
    private Vertx vertx;
    private Collector collector;
    private MqttClient publisher;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void startBroker() throws Exception {
        broker = MosquittoBroker.start(tmp.resolve("mosquitto"));
        vertx = Vertx.vertx();
        publisher = new MqttClient(broker.url(), "hostile-but-authorised", new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMaxInflight(1_000);
        publisher.connect(options);
    }

    private void startCollector(String configYaml) throws Exception {
        IngestSettings ingest = new IngestSettings(broker.url(), "collector-under-test", null, null, 1_000, 20_000);
        collector = Collector.start(vertx, new CollectorSettings(ingest, "127.0.0.1", 0, tmp.resolve("data"))
                .with(CollectorConfig.parse(configYaml, "collector.yaml"))).await(60, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> get("/health").statusCode() == 200);
    }

    @AfterEach
    void stop() throws Exception {
        if (publisher.isConnected()) {
            publisher.disconnect();
        }
        if (collector != null) {
            collector.stop().await(10, TimeUnit.SECONDS);
        }
        vertx.close().await(10, TimeUnit.SECONDS);
        broker.close();
    }

    @Test
    void pastOneHundredThousandInventedSeries_newOnesAreRefused_andKnownSeriesKeepBeingStored() throws Exception {
        startCollector("");
        readings("bed-1", 1, reading("soil-a", "soil_moisture", T0, 31.4));
        // 100 invented devices of 1,000 invented sensors each: with bed-1's, one series more than the collector keeps.
        for (int bot = 0; bot < 100; bot++) {
            List<String> invented = new ArrayList<>();
            for (int p = 0; p < 1_000; p++) {
                invented.add(reading("p" + p, "x_probe", T0, p));
            }
            readings("bot-" + bot, 1, invented.toArray(String[]::new));
        }
        readings("bot-100", 1, reading("p0", "x_probe", T0, 0));
        readings("bed-1", 2, reading("soil-a", "soil_moisture", T0 + 60_000, 30.9));

        await().atMost(WAIT).untilAsserted(() -> assertThat(series("bed-1", "soil-a")).hasSize(2));
        assertThat(metric("steward_series_known")).isEqualTo(100_000);
        assertThat(metric("steward_devices_known")).as("bed-1 and bot-0 to bot-99").isEqualTo(101);
        assertThat(metric("steward_rejected_total{reason=\"too_many_series\"}")).isEqualTo(2);
        assertThat(metric("steward_readings_stored_total")).isEqualTo(100_001);
        assertThat(collector.readingsStored()).as("the count bin/bench reads in its own process, as /metrics gives it")
                .isEqualTo(100_001);
        JsonObject refused = new JsonArray(get("/api/v1/rejected").body()).getJsonObject(0);
        assertThat(refused.getString("topic")).isEqualTo("steward/v1/food-forest/bot-100/readings");
        assertThat(refused.getString("reason")).isEqualTo("too_many_series");
        assertThat(refused.getString("detail")).contains("food-forest/bot-100/p0 is a new series",
                "already keeps 100000 series", "store.maxSeries");
        assertThat(series("bot-99", "p999")).as("the one past the limit").isEmpty();

        // After a restart the collector knows what its store holds, and no more.
        collector.stop().await(10, TimeUnit.SECONDS);
        startCollector("");
        readings("bot-100", 2, reading("p1", "x_probe", T0, 1));
        readings("bed-1", 3, reading("soil-a", "soil_moisture", T0 + 120_000, 30.5));

        await().atMost(WAIT).untilAsserted(() -> assertThat(series("bed-1", "soil-a")).hasSize(3));
        assertThat(metric("steward_series_known")).isEqualTo(100_000);
        assertThat(metric("steward_rejected_total{reason=\"too_many_series\"}")).isEqualTo(1);
    }

    @Test
    void aDeviceAndSeriesLimitFromTheConfig_refusesNewOnes_andTheDeviceListDoesNotGrow() throws Exception {
        startCollector("""
                store:
                  maxDevices: 2
                  maxSensorsPerDevice: 3
                """);
        status("bed-1", T0);
        readings("bed-1", 1, reading("a", "soil_moisture", T0, 30), reading("b", "soil_moisture", T0, 30),
                reading("c", "soil_moisture", T0, 30), reading("d", "soil_moisture", T0, 30));
        readings("bed-2", 1, reading("a", "soil_moisture", T0, 30));
        status("intruder-1", T0);
        readings("intruder-2", 1, reading("a", "soil_moisture", T0, 30));
        readings("bed-1", 2, reading("a", "soil_moisture", T0 + 60_000, 29));

        await().atMost(WAIT).untilAsserted(() -> assertThat(series("bed-1", "a")).hasSize(2));
        JsonArray devices = new JsonArray(get("/api/v1/devices").body());
        assertThat(devices).extracting(d -> ((JsonObject) d).getString("device")).containsExactly("bed-1", "bed-2");
        assertThat(devices.getJsonObject(0).getString("state")).isEqualTo("online");
        assertThat(devices.getJsonObject(0).getJsonArray("sensors")).hasSize(3);
        assertThat(metric("steward_rejected_total{reason=\"too_many_devices\"}")).isEqualTo(2);
        assertThat(metric("steward_rejected_total{reason=\"too_many_series\"}")).isEqualTo(1);
        assertThat(metric("steward_devices_max")).isEqualTo(2);
        List<JsonObject> rejected = rejected();
        assertThat(rejected).extracting(r -> r.getString("reason")).containsExactlyInAnyOrder("too_many_devices",
                "too_many_devices", "too_many_series");
        assertThat(rejected).anySatisfy(r -> assertThat(r.getString("detail"))
                .contains("food-forest/bed-1/d is a new series", "3 series", "store.maxSensorsPerDevice"));
        assertThat(rejected).anySatisfy(r -> assertThat(r.getString("detail"))
                .contains("food-forest/intruder-1 is a new device", "2 devices", "store.maxDevices"));
    }

    @Test
    void aStatusOverSixteenKiB_isRefusedAndCounted_andTheTextsOfOneBelowAreServedCut() throws Exception {
        startCollector("");
        String padding = "x".repeat(16 * 1024); // the status limit, and so the status goes past it
        publish("steward/v1/food-forest/bed-1/status", "{\"v\": 1, \"state\": \"online\", \"t\": " + T0
                + ", \"note\": \"" + padding + "\"}", true);
        StringBuilder faults = new StringBuilder();
        for (int i = 1; i < 100; i++) {
            faults.append(i == 1 ? "" : ", ").append("\"probe-").append(i).append("\": \"")
                    .append("no answer from the bus; ".repeat(4)).append("\"");
        }
        publish("steward/v1/food-forest/bed-2/status", "{\"v\": 1, \"state\": \"online\", \"t\": " + T0
                + ", \"agent\": \"" + "9".repeat(2_000) + "\", \"faults\": {" + faults + ", \"probe-0\": \""
                + "w".repeat(1_000) + "\"}}", true);

        await().atMost(WAIT).untilAsserted(() -> assertThat(device("bed-2")).isNotNull());
        assertThat(metric("steward_rejected_total{reason=\"too_large\"}")).isEqualTo(1);
        assertThat(rejected()).singleElement().satisfies(r -> assertThat(r.getString("detail"))
                .contains("the limit for a status is 16384 bytes"));
        assertThat(device("bed-1")).as("the refused status changed nothing").isNull();
        JsonObject health = device("bed-2").getJsonObject("health");
        assertThat(health.getString("agent")).hasSize(64).endsWith("\u2026");
        JsonObject kept = health.getJsonObject("faults");
        assertThat(kept.getString("probe-0")).hasSize(200).startsWith("www").endsWith("\u2026");
        assertThat(kept.size()).isBetween(10, 99);
        int chars = 0;
        for (String sensor : kept.fieldNames()) {
            chars += sensor.length() + kept.getString(sensor).length();
        }
        assertThat(chars).isLessThanOrEqualTo(4_096);
    }

    @Test
    void aHostileTopicAndValue_areListedEscapedAndCut() throws Exception {
        startCollector("");
        // A right-to-left override: Mosquitto itself refuses control characters in a topic, but not this.
        String topic = "steward/v1/\u202E" + "s".repeat(60_000) + "/d1/readings";
        assertThat(RawMqtt.publish(broker.port(), topic, "{}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(RawMqtt.Outcome.ACKNOWLEDGED);
        readings("bed-3", 1, "{\"sensor\": \"a\", \"kind\": \"soil_moisture\", \"t\": " + T0 + ", \"value\": \"\u202E"
                + "9".repeat(200_000) + "\"}");

        await().atMost(WAIT).untilAsserted(() -> assertThat(rejected()).hasSize(2));
        JsonObject badValue = rejected().stream().filter(r -> r.getString("reason").equals("bad_value")).findFirst()
                .orElseThrow();
        assertThat(badValue.getString("detail")).hasSizeLessThan(200).contains("\\u202E999", "\u2026")
                .doesNotContain("\u202E");
        JsonObject badTopic = rejected().stream().filter(r -> r.getString("reason").equals("bad_topic")).findFirst()
                .orElseThrow();
        assertThat(badTopic.getString("topic")).hasSize(300).startsWith("steward/v1/\\u202Esss").endsWith("\u2026");
        assertThat(badTopic.getString("detail")).hasSizeLessThanOrEqualTo(500).doesNotContain("\u202E");
    }

    private static String reading(String sensor, String kind, long t, double value) {
        return "{\"sensor\": \"" + sensor + "\", \"kind\": \"" + kind + "\", \"t\": " + t + ", \"value\": " + value
                + "}";
    }

    private void readings(String device, long seq, String... readings) throws Exception {
        publish("steward/v1/" + SITE + "/" + device + "/readings", "{\"v\": 1, \"device\": \"" + device
                + "\", \"seq\": " + seq + ", \"readings\": [" + String.join(", ", readings) + "]}", false);
    }

    private void status(String device, long t) throws Exception {
        publish("steward/v1/" + SITE + "/" + device + "/status", "{\"v\": 1, \"state\": \"online\", \"t\": " + t
                + ", \"agent\": \"0.1.0\"}", true);
    }

    private void publish(String topic, String json, boolean retained) throws Exception {
        publisher.publish(topic, json.getBytes(StandardCharsets.UTF_8), 1, retained);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + collector.httpPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonArray series(String device, String sensor) throws Exception {
        HttpResponse<String> response = get("/api/v1/series?site=" + SITE + "&device=" + device + "&sensor=" + sensor
                + "&from=" + (T0 - 60_000) + "&to=" + (T0 + 3_600_000));
        assertThat(response.statusCode()).isEqualTo(200);
        return new JsonObject(response.body()).getJsonArray("t");
    }

    private List<JsonObject> rejected() throws Exception {
        List<JsonObject> list = new ArrayList<>();
        new JsonArray(get("/api/v1/rejected").body()).forEach(o -> list.add((JsonObject) o));
        return list;
    }

    private JsonObject device(String device) throws Exception {
        for (Object d : new JsonArray(get("/api/v1/devices").body())) {
            if (((JsonObject) d).getString("device").equals(device)) {
                return (JsonObject) d;
            }
        }
        return null;
    }

    private long metric(String name) throws Exception {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " ([0-9.E+]+)$").matcher(get("/metrics").body());
        assertThat(m.find()).as("metric %s", name).isTrue();
        return (long) Double.parseDouble(m.group(1));
    }
}
