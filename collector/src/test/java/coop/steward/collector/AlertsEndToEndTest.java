package coop.steward.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import coop.steward.collector.config.CollectorConfig;
import coop.steward.collector.ingest.IngestSettings;
import coop.steward.testsupport.MosquittoBroker;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alerts end to end against a real Mosquitto: readings sent with {@code mosquitto_pub} raise an alert that appears
 * on the contract's alerts topic, in the API and on the SSE stream; it survives a restart without being raised
 * again; webhooks get it even when they fail at first.
 */
class AlertsEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String ALERTS = "steward/v1/food-forest/alerts/";

    @TempDir
    Path tmp;
    private MosquittoBroker broker;
    private Vertx vertx;
    private Collector collector;
    private MqttClient watcher;
    private final Map<String, String> retained = new ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        broker = MosquittoBroker.start(tmp.resolve("mosquitto"));
        vertx = Vertx.vertx(new VertxOptions().setMaxEventLoopExecuteTime(200)
                .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS));
        watcher = new MqttClient(broker.url(), "alert-watcher", new MemoryPersistence());
        watcher.connect();
        watcher.subscribe(ALERTS + "+", 1, (topic, msg) -> retained.put(topic,
                new String(msg.getPayload(), StandardCharsets.UTF_8)));
    }

    private Collector startCollector(String configYaml) throws Exception {
        IngestSettings ingest = new IngestSettings(broker.url(), "collector-under-test", null, null, 1_000, 20_000);
        CollectorSettings settings = new CollectorSettings(ingest, "127.0.0.1", 0, tmp.resolve("data"))
                .with(CollectorConfig.parse(configYaml, "test config"));
        Collector started = Collector.start(vertx, settings).await(30, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> get(started, "/health").statusCode() == 200);
        return started;
    }

    @AfterEach
    void stop() throws Exception {
        if (watcher.isConnected()) {
            watcher.disconnect();
        }
        if (collector != null) {
            collector.stop().await(10, TimeUnit.SECONDS);
        }
        vertx.close().await(10, TimeUnit.SECONDS);
        broker.close();
    }

    private HttpResponse<String> get(Collector c, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.httpPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path) throws Exception {
        // From the dashboard's own origin, as a browser sends it: the collector takes changes from no other.
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + collector.httpPort() + path))
                .header("Origin", "http://127.0.0.1:" + collector.httpPort())
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonArray alerts(String query) throws Exception {
        HttpResponse<String> response = get(collector, "/api/v1/alerts" + query);
        assertThat(response.statusCode()).isEqualTo(200);
        return new JsonArray(response.body());
    }

    /** Soil moisture of bed-3, one reading a minute, the last one {@code endAgoMs} before now, as mosquitto_pub sends. */
    private void mosquittoPub(int seq, int minutes, long endAgoMs, double value) throws Exception {
        long end = System.currentTimeMillis() - endAgoMs;
        StringBuilder readings = new StringBuilder();
        for (int i = minutes; i >= 0; i--) {
            readings.append(readings.length() == 0 ? "" : ", ").append("{\"sensor\": \"soil-a\", \"kind\": "
                    + "\"soil_moisture\", \"t\": ").append(end - i * 60_000L).append(", \"value\": ").append(value)
                    .append('}');
        }
        Process pub = new ProcessBuilder("mosquitto_pub", "-h", "127.0.0.1", "-p", Integer.toString(broker.port()),
                "-q", "1", "-t", "steward/v1/food-forest/bed-3/readings", "-m",
                "{\"v\": 1, \"device\": \"bed-3\", \"seq\": " + seq + ", \"readings\": [" + readings + "]}")
                .redirectErrorStream(true).start();
        assertThat(pub.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(pub.exitValue()).as(new String(pub.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isZero();
    }

    /** Lines of {@code /api/v1/stream}, collected on a thread of their own. */
    private List<String> stream() {
        List<String> lines = new CopyOnWriteArrayList<>();
        http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + collector.httpPort()
                        + "/api/v1/stream")).build(), HttpResponse.BodyHandlers.ofLines())
                .thenAccept(response -> {
                    try (Stream<String> body = response.body()) {
                        body.forEach(lines::add);
                    } catch (RuntimeException e) {
                        // the collector stopped: the stream ends
                    }
                });
        await().atMost(WAIT).until(() -> lines.contains(": connected"));
        return lines;
    }

    @Test
    void mosquittoPubOfReadingsCrossingTheThreshold_raisesTheAlertOnTheTopicTheApiAndTheStream() throws Exception {
        collector = startCollector("");
        List<String> events = stream();

        mosquittoPub(1, 31, 0, 18.5); // 31 minutes below 20 %: the shipped soil-dry rule holds for 30

        await().atMost(WAIT).untilAsserted(() -> assertThat(alerts("?state=open")).hasSize(1));
        JsonObject alert = alerts("?state=open").getJsonObject(0);
        String id = alert.getString("id");
        assertThat(id).matches("^[a-z0-9][a-z0-9_-]{0,63}$");
        assertThat(alert.getString("rule")).isEqualTo("soil-dry");
        assertThat(alert.getString("site")).isEqualTo("food-forest");
        assertThat(alert.getString("device")).isEqualTo("bed-3");
        assertThat(alert.getString("sensor")).isEqualTo("soil-a");
        assertThat(alert.getString("severity")).isEqualTo("warning");
        assertThat(alert.getBoolean("late")).isFalse();
        assertThat(alert.getDouble("value")).isEqualTo(18.5);
        await().atMost(WAIT).untilAsserted(() -> assertThat(retained).containsKey(ALERTS + id));
        assertThat(new JsonObject(retained.get(ALERTS + id)).getString("state")).isEqualTo("open");
        await().atMost(WAIT).untilAsserted(() -> assertThat(events).anySatisfy(line -> assertThat(line)
                .startsWith("data: ").contains("\"id\":\"" + id + "\"", "\"event\":\"raised\"")));
        assertThat(events).contains("event: alert", "event: reading");
        assertThat(events).anySatisfy(line -> assertThat(line).startsWith("data: {\"site\":\"food-forest\","
                + "\"device\":\"bed-3\",\"readings\":[{\"sensor\":\"soil-a\",\"kind\":\"soil_moisture\",\"t\":")
                .contains("\"value\":18.5,\"unit\":null}"));

        HttpResponse<String> ack = post("/api/v1/alerts/" + id + "/ack");
        assertThat(ack.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(ack.body()).getString("state")).isEqualTo("acknowledged");
        await().atMost(WAIT).untilAsserted(() -> assertThat(new JsonObject(retained.get(ALERTS + id))
                .getString("state")).isEqualTo("acknowledged"));

        mosquittoPub(2, 2, -1_000, 27.0); // watered: back above 23 %
        await().atMost(WAIT).untilAsserted(() -> assertThat(retained.get(ALERTS + id)).isEmpty());
        JsonObject resolved = alerts("?state=resolved").getJsonObject(0);
        assertThat(resolved.getString("id")).isEqualTo(id);
        assertThat(resolved.getLong("acknowledgedAt")).isNotNull();
        assertThat(resolved.getLong("resolvedAt")).isGreaterThan(resolved.getLong("openedAt"));
        assertThat(post("/api/v1/alerts/" + id + "/ack").statusCode()).isEqualTo(409);
        assertThat(post("/api/v1/alerts/a999999/ack").statusCode()).isEqualTo(404);
        assertThat(get(collector, "/api/v1/alerts?state=soon").statusCode()).isEqualTo(400);
        assertThat(get(collector, "/metrics").body())
                .contains("steward_alerts_raised_total{rule=\"soil-dry\"} 1.0")
                .contains("steward_alerts_resolved_total{rule=\"soil-dry\"} 1.0")
                .contains("steward_alerts_raised_total{rule=\"irrigation-leak\"} 0.0");
    }

    @Test
    void streamClient_stillGetsReadingEvents_afterAnotherClientLeft() throws Exception {
        collector = startCollector("");
        List<String> staying = stream();
        await().atMost(WAIT).until(() -> get(collector, "/metrics").body().contains("steward_stream_clients 1.0"));
        try (java.net.Socket leaving = new java.net.Socket("127.0.0.1", collector.httpPort())) {
            leaving.getOutputStream().write(("GET /api/v1/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            leaving.setSoTimeout(10_000);
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(
                    leaving.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.contains(": connected")) {
                // headers and the chunk size before the first event
            }
            assertThat(line).isNotNull();
            assertThat(get(collector, "/metrics").body()).contains("steward_stream_clients 2.0");
        }
        await().atMost(WAIT).until(() -> get(collector, "/metrics").body().contains("steward_stream_clients 1.0"));

        mosquittoPub(1, 2, 0, 30.0);

        await().atMost(WAIT).untilAsserted(() -> assertThat(staying).contains("event: reading"));
        assertThat(staying).anySatisfy(line -> assertThat(line).startsWith("data: {\"site\":\"food-forest\","
                + "\"device\":\"bed-3\""));
    }

    @Test
    void openAlert_survivesARestart_withoutBeingRaisedAgain() throws Exception {
        collector = startCollector("");
        mosquittoPub(1, 31, 120_000, 18.5);
        await().atMost(WAIT).untilAsserted(() -> assertThat(alerts("?state=open")).hasSize(1));
        String id = alerts("?state=open").getJsonObject(0).getString("id");

        collector.stop().await(10, TimeUnit.SECONDS);
        collector = startCollector("");
        mosquittoPub(2, 40, 0, 18.0); // still dry: another 40 minutes below the limit

        await().atMost(WAIT).untilAsserted(() -> assertThat(get(collector, "/metrics").body())
                .contains("steward_readings_stored_total 41.0"));
        JsonArray all = alerts("");
        assertThat(all).hasSize(1);
        assertThat(all.getJsonObject(0).getString("id")).isEqualTo(id);
        assertThat(all.getJsonObject(0).getString("state")).isEqualTo("open");
        MqttClient fresh = new MqttClient(broker.url(), "late-subscriber", new MemoryPersistence());
        fresh.connect();
        Map<String, String> seen = new ConcurrentHashMap<>();
        fresh.subscribe(ALERTS + "+", 1, (topic, msg) -> seen.put(topic, new String(msg.getPayload(),
                StandardCharsets.UTF_8)));
        await().atMost(WAIT).untilAsserted(() -> assertThat(seen).containsOnlyKeys(ALERTS + id));
        fresh.disconnect();
    }

    @Test
    void alertChangeWhileTheBrokerIsDown_reachesItsRetainedTopicOnceTheBrokerIsBack() throws Exception {
        collector = startCollector("");
        mosquittoPub(1, 31, 0, 18.5);
        await().atMost(WAIT).untilAsserted(() -> assertThat(retained).hasSize(1));
        String id = alerts("?state=open").getJsonObject(0).getString("id");
        watcher.disconnect();

        broker.stop();
        assertThat(post("/api/v1/alerts/" + id + "/ack").statusCode()).isEqualTo(200);
        broker.restart();

        MqttClient fresh = new MqttClient(broker.url(), "after-outage", new MemoryPersistence());
        fresh.connect();
        Map<String, String> seen = new ConcurrentHashMap<>();
        fresh.subscribe(ALERTS + "+", 1, (topic, msg) -> seen.put(topic, new String(msg.getPayload(),
                StandardCharsets.UTF_8)));
        await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> assertThat(seen.get(ALERTS + id))
                .isNotNull().contains("\"state\":\"acknowledged\""));
        fresh.disconnect();
    }

    @Test
    void webhookThatFailsFirst_getsTheAlertOnARetry_andTheFailureIsCounted() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        List<JsonObject> received = new CopyOnWriteArrayList<>();
        HttpServer hook = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            if (calls.incrementAndGet() == 1) {
                request.response().setStatusCode(500).end();
                return;
            }
            received.add(body.toJsonObject());
            request.response().setStatusCode(204).end();
        })).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        collector = startCollector("""
                alerts:
                  webhooks:
                    - url: http://127.0.0.1:%d/steward-hook
                      headers: {X-Token: s3cret}
                """.formatted(hook.actualPort()));

        mosquittoPub(1, 31, 0, 18.5);

        await().atMost(WAIT).untilAsserted(() -> assertThat(received).hasSize(1));
        assertThat(received.get(0).getString("event")).isEqualTo("raised");
        assertThat(received.get(0).getString("rule")).isEqualTo("soil-dry");
        assertThat(received.get(0).getString("sensor")).isEqualTo("soil-a");
        assertThat(calls.get()).isEqualTo(2);
        assertThat(get(collector, "/metrics").body())
                .contains("steward_alert_webhook_failures_total{webhook=\"http://127.0.0.1:" + hook.actualPort()
                        + "\"} 1.0")
                .contains("steward_alert_webhook_delivered_total{webhook=\"http://127.0.0.1:" + hook.actualPort()
                        + "\"} 1.0");
        hook.close();
    }
}
