package coop.steward.collector.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import coop.steward.collector.presence.HealthReports;
import coop.steward.collector.presence.Presence;
import coop.steward.collector.store.DeviceReadings;
import coop.steward.collector.store.DeviceStatus;
import coop.steward.collector.store.ReadingStore;
import coop.steward.collector.store.SensorSummary;
import coop.steward.collector.store.SeriesData;
import coop.steward.collector.store.SeriesQuery;
import coop.steward.collector.store.SqliteReadingStore;
import coop.steward.testsupport.MosquittoBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker that sends without limit (Mosquitto with no in-flight window) to a collector whose store has stopped:
 * the collector holds a bounded amount, pauses, and stores everything once the store moves again.
 */
class IngestPauseTest {
    private static final int MESSAGES = 40;
    private static final int READINGS = 1_000;

    @TempDir
    Path tmp;
    private MosquittoBroker broker;
    private final Vertx vertx = Vertx.vertx();
    private ReadingStore store;

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
        if (store != null) {
            store.close();
        }
        broker.close();
    }

    @Test
    void aStoreThatStops_pausesIntakeAtTheByteLimit_andEverythingIsStoredWhenItMovesAgain() throws Exception {
        broker = MosquittoBroker.start(tmp.resolve("mosquitto"), "max_inflight_messages 0", "max_queued_messages 0");
        CountDownLatch storeMoves = new CountDownLatch(1);
        store = new Stalled(SqliteReadingStore.open(tmp.resolve("store"), Duration.ofDays(90)), storeMoves);
        long limit = 1024 * 1024;
        MqttIngest ingest = new MqttIngest(new IngestSettings(broker.url(), "pause-test", null, null, 1_000, 20_000,
                limit), store, new SimpleMeterRegistry(), new RejectionLog(new SimpleMeterRegistry()), new Presence(),
                new HealthReports(), Clock.systemUTC(), CommitListener.NONE);
        vertx.deployVerticle(ingest).await(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(ingest::isConnected);

        MqttClient publisher = new MqttClient(broker.url(), "pause-publisher", new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMaxInflight(1_000);
        publisher.connect(options);
        long t0 = System.currentTimeMillis() - 3_600_000L;
        int bytes = 0;
        for (int m = 0; m < MESSAGES; m++) {
            byte[] payload = message(m, t0 + m * READINGS * 10L);
            bytes += payload.length;
            publisher.publish("steward/v1/pause-site/bed-1/readings", payload, 1, false);
        }
        assertThat(bytes).as("far more than the collector may hold").isGreaterThan(3 * (int) limit);

        await().atMost(Duration.ofSeconds(10)).until(ingest::isPaused);
        assertThat(ingest.isConnected()).isFalse();

        storeMoves.countDown();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(store.sensors()).singleElement().satisfies(s -> assertThat(
                        store.query(SeriesQuery.raw(s.key(), 0, Long.MAX_VALUE, 1_000_000)).t())
                        .hasSize(MESSAGES * READINGS)));
        // Connected and no longer paused: two flags that settle a moment apart as intake resumes.
        await().atMost(Duration.ofSeconds(10)).until(() -> ingest.isConnected() && !ingest.isPaused());
        publisher.disconnect();
    }

    @Test
    void aSingleMessageLargerThanTheLimit_isRejected_andIngestGoesOn() throws Exception {
        broker = MosquittoBroker.start(tmp.resolve("mosquitto"));
        store = SqliteReadingStore.open(tmp.resolve("store"), Duration.ofDays(90));
        RejectionLog rejections = new RejectionLog(new SimpleMeterRegistry());
        MqttIngest ingest = new MqttIngest(new IngestSettings(broker.url(), "pause-test", null, null, 1_000, 20_000,
                1024 * 1024), store, new SimpleMeterRegistry(), rejections, new Presence(), new HealthReports(),
                Clock.systemUTC(),
                CommitListener.NONE);
        vertx.deployVerticle(ingest).await(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(ingest::isConnected);
        MqttClient publisher = new MqttClient(broker.url(), "big-publisher", new MemoryPersistence());
        publisher.connect();

        publisher.publish("steward/v1/pause-site/bed-1/readings", new byte[2 * 1024 * 1024], 1, false);
        publisher.publish("steward/v1/pause-site/bed-1/readings", message(1, System.currentTimeMillis() - 60_000), 1,
                false);

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(store.sensors()).singleElement()
                .satisfies(s -> assertThat(store.query(SeriesQuery.raw(s.key(), 0, Long.MAX_VALUE, 1_000_000)).t())
                        .hasSize(READINGS)));
        assertThat(rejections.latest()).anySatisfy(r -> assertThat(r.reason()).isEqualTo("too_large"));
        assertThat(ingest.isPaused()).isFalse();
        assertThat(ingest.isConnected()).isTrue();
        publisher.disconnect();
    }

    private static byte[] message(int seq, long t) {
        StringBuilder readings = new StringBuilder();
        for (int i = 0; i < READINGS; i++) {
            readings.append(i == 0 ? "" : ",").append("{\"sensor\": \"soil-a\", \"kind\": \"soil_moisture\", \"t\": ")
                    .append(t + i * 10L).append(", \"value\": 31.5}");
        }
        return ("{\"v\": 1, \"device\": \"bed-1\", \"seq\": " + seq + ", \"readings\": [" + readings + "]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The embedded store, with writes held until a latch opens. */
    private record Stalled(ReadingStore store, CountDownLatch moves) implements ReadingStore {
        @Override
        public long write(List<DeviceReadings> readings, List<DeviceStatus> statuses) {
            try {
                moves.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return store.write(readings, statuses);
        }

        @Override
        public SeriesData query(SeriesQuery query) {
            return store.query(query);
        }

        @Override
        public List<SensorSummary> sensors() {
            return store.sensors();
        }

        @Override
        public List<DeviceStatus> devices() {
            return store.devices();
        }

        @Override
        public void maintain(long now) {
            store.maintain(now);
        }

        @Override
        public void ping() {
            store.ping();
        }

        @Override
        public void close() {
            store.close();
        }
    }
}
