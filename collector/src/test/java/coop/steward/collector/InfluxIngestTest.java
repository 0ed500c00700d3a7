package coop.steward.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import coop.steward.collector.ingest.IngestSettings;
import coop.steward.collector.store.InfluxSettings;
import coop.steward.testsupport.InfluxServer;
import coop.steward.testsupport.MosquittoBroker;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The collector on a real InfluxDB that stops and comes back while readings stream in. */
class InfluxIngestTest {
    private static final int MESSAGES = 300;
    private static final int PER_MESSAGE = 10;
    /**
     * Recent, so the collector's first upkeep (30 s after start, sooner than a slow run ends) keeps them: readings
     * older than the 90-day retention would be rolled up and deleted, and the count would fall to 0.
     */
    private static final long T0 = System.currentTimeMillis() / 1000 * 1000 - MESSAGES * 1000L;

    @TempDir
    Path tmp;
    private MosquittoBroker broker;
    private InfluxServer influx;
    private Vertx vertx;
    private Collector collector;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        broker = MosquittoBroker.start(tmp.resolve("mosquitto"), "max_queued_messages 0");
        influx = InfluxServer.start(tmp.resolve("influxdb"));
        vertx = Vertx.vertx();
        IngestSettings ingest = new IngestSettings(broker.url(), "influx-collector", null, null, 100, 20_000);
        CollectorSettings settings = new CollectorSettings(ingest, "127.0.0.1", 0, tmp.resolve("data"))
                .withInflux(InfluxSettings.parse(influx.url() + "/steward", null, null));
        collector = Collector.start(vertx, settings).await(60, TimeUnit.SECONDS);
        // Subscribed: a plain publisher, unlike an agent, never resends what arrives before the subscription.
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/health").statusCode() == 200);
    }

    @AfterEach
    void stop() throws Exception {
        collector.stop().await(20, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
        influx.close();
        broker.close();
    }

    @Test
    void influxStoppingMidStream_holdsBackAcknowledgements_andLosesNothingWhenItReturns() throws Exception {
        AtomicInteger sent = new AtomicInteger();
        Thread device = new Thread(() -> publishSteadily(sent), "test-device");
        device.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> sent.get() >= MESSAGES / 4);

        influx.stop();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> health = get("/health");
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(new JsonObject(health.body()).getString("error")).contains("store");
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> sent.get() >= MESSAGES * 3 / 4);
        influx.restart();
        device.join(60_000);

        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .untilAsserted(() -> assertThat(storedCount()).isEqualTo((long) MESSAGES * PER_MESSAGE));
        assertThat(get("/health").statusCode()).isEqualTo(200);
        assertThat(get("/metrics").body()).containsPattern("steward_store_write_failures_total [1-9]");
    }

    private void publishSteadily(AtomicInteger sent) {
        try {
            MqttClient client = new MqttClient(broker.url(), "steady-device", new MemoryPersistence());
            MqttConnectOptions options = new MqttConnectOptions();
            options.setMaxInflight(1_000);
            client.connect(options);
            for (int m = 0; m < MESSAGES; m++) {
                StringBuilder readings = new StringBuilder();
                for (int r = 0; r < PER_MESSAGE; r++) {
                    readings.append(r == 0 ? "" : ",").append("{\"sensor\": \"s").append(r)
                            .append("\", \"kind\": \"soil_moisture\", \"t\": ").append(T0 + m * 1000L)
                            .append(", \"value\": ").append(20 + r).append('}');
                }
                client.publish("steward/v1/food-forest/bed-1/readings", ("{\"v\": 1, \"device\": \"bed-1\", "
                        + "\"seq\": " + m + ", \"readings\": [" + readings + "]}").getBytes(StandardCharsets.UTF_8),
                        1, false);
                sent.incrementAndGet();
                Thread.sleep(15);
            }
            client.disconnect();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private long storedCount() throws Exception {
        long count = 0;
        for (int r = 0; r < PER_MESSAGE; r++) {
            count += new JsonObject(get("/api/v1/series?site=food-forest&device=bed-1&sensor=s" + r
                    + "&from=0&limit=1000000").body()).getJsonArray("t").size();
        }
        return count;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + collector.httpPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
