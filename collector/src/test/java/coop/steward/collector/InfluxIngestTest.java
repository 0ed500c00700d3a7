package coop.steward.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
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
     * Recent, so that they are kept as raw readings, which the test counts: readings older than the 90-day raw
     * retention would only be summarised into their hours' roll-ups, and the count would be 0.
     */
    private static final long T0 = System.currentTimeMillis() / 1000 * 1000 - MESSAGES * 1000L;

    @TempDir
    Path tmp;
    private InfluxCollector run;

    @BeforeEach
    void start() throws Exception {
        run = InfluxCollector.start(tmp, "influx-collector", "max_queued_messages 0");
    }

    @AfterEach
    void stop() throws Exception {
        run.close();
    }

    @Test
    void influxStoppingMidStream_holdsBackAcknowledgements_andLosesNothingWhenItReturns() throws Exception {
        AtomicInteger sent = new AtomicInteger();
        Thread device = new Thread(() -> publishSteadily(sent), "test-device");
        device.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> sent.get() >= MESSAGES / 4);

        run.influx.stop();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> health = run.get("/health");
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(new JsonObject(health.body()).getString("error")).contains("store");
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> sent.get() >= MESSAGES * 3 / 4);
        run.influx.restart();
        device.join(60_000);

        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .untilAsserted(() -> assertThat(storedCount()).isEqualTo((long) MESSAGES * PER_MESSAGE));
        assertThat(run.get("/health").statusCode()).isEqualTo(200);
        assertThat(run.get("/metrics").body()).containsPattern("steward_store_write_failures_total [1-9]");
    }

    private void publishSteadily(AtomicInteger sent) {
        try {
            MqttClient client = new MqttClient(run.broker.url(), "steady-device", new MemoryPersistence());
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
            count += new JsonObject(run.get("/api/v1/series?site=food-forest&device=bed-1&sensor=s" + r
                    + "&from=0&limit=1000000").body()).getJsonArray("t").size();
        }
        return count;
    }

}
