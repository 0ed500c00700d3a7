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
 * the collector holds a bounded amount, pauses by reading nothing more, and stores everything once the store moves
 * again.
 */
class IngestPauseTest {
    private static final int MESSAGES = 40;
    private static final int READINGS = 1_000;
    private static final long LIMIT = 1024 * 1024;

    @TempDir
    Path tmp;
    private MosquittoBroker broker;
    private final Vertx vertx = Vertx.vertx();
    private ReadingStore store;
    private final CountDownLatch storeMoves = new CountDownLatch(1);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
        if (store != null) {
            store.close();
        }
        broker.close();
    }

    @Test
    void aStoreThatStops_pausesIntakeAtTheByteLimit_byReadingNothingMore_andStoresEverythingOnceWhenItMovesAgain()
            throws Exception {
        MqttIngest ingest = pausedCollector();
        double taken = received();
        Thread.sleep(1_000); // what a collector that still read would take meanwhile: the broker has it all
        assertThat(received()).as("nothing more is read while paused").isEqualTo(taken)
                .isLessThan(MESSAGES);

        storeMoves.countDown();
        awaitEverythingStored();
        // Connected and no longer paused: two flags that settle a moment apart as intake resumes.
        await().atMost(Duration.ofSeconds(10)).until(() -> ingest.isConnected() && !ingest.isPaused());
        assertThat(registry.counter("steward.mqtt.connects").count()).as("the connection stayed up").isEqualTo(1);
        assertThat(received()).as("each message came once: none was dropped to be sent again")
                .isEqualTo(MESSAGES);
    }

    @Test
    void aStoreThatStoresNothingFor10Seconds_makesAPausedCollectorReadAgainToKeepItsConnection_andNothingIsLost()
            throws Exception {
        MqttIngest ingest = pausedCollector();
        double taken = received();
        // Past the 10 s without an acknowledgement after which it reads again; before the client's ping (after 15 s
        // of silence), whose answer it could not read while reading nothing.
        Thread.sleep(12_000);
        assertThat(ingest.isPaused()).as("still paused: the store has taken nothing").isTrue();
        assertThat(ingest.isConnected()).isFalse();
        assertThat(received()).as("what it reads now is left for the broker to send again").isEqualTo(taken);

        storeMoves.countDown();
        awaitEverythingStored();
        await().atMost(Duration.ofSeconds(20)).until(() -> ingest.isConnected() && !ingest.isPaused());
        assertThat(registry.counter("steward.mqtt.connects").count())
                .as("read again and drained, then connected again for the rest").isEqualTo(2);
    }

    @Test
    void aPausedCollectorWhoseBrokerRestarts_connectsAgain_andStoresEverything() throws Exception {
        MqttIngest ingest = pausedCollector();

        broker.restart(); // it saves its sessions: what the collector took and did not acknowledge comes again
        storeMoves.countDown();

        awaitEverythingStored();
        await().atMost(Duration.ofSeconds(20)).until(() -> ingest.isConnected() && !ingest.isPaused());
    }

    /**
     * A collector on a broker with no in-flight window, whose store holds every write until {@link #storeMoves}
     * opens, sent more than its limit; returned once it has paused.
     */
    private MqttIngest pausedCollector() throws Exception {
        broker = MosquittoBroker.start(tmp.resolve("mosquitto"), "max_inflight_messages 0", "max_queued_messages 0");
        store = new StalledStore(SqliteReadingStore.open(tmp.resolve("store"), Duration.ofDays(90)), storeMoves);
        MqttIngest ingest = pausingIngest();
        publishMoreThanTheLimit();
        // Both, as /health shows a pause: the two flags are set a moment apart.
        await().atMost(Duration.ofSeconds(10)).until(() -> ingest.isPaused() && !ingest.isConnected());
        return ingest;
    }

    private MqttIngest pausingIngest() throws Exception {
        MqttIngest ingest = new MqttIngest(new IngestSettings(broker.url(), "pause-test", null, null, 1_000, 20_000,
                LIMIT), store, registry, new RejectionLog(new SimpleMeterRegistry()), new Presence(),
                new HealthReports(), Clock.systemUTC(), CommitListener.NONE);
        vertx.deployVerticle(ingest).await(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(ingest::isConnected);
        return ingest;
    }

    private void publishMoreThanTheLimit() throws Exception {
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
        publisher.disconnect();
        assertThat(bytes).as("far more than the collector may hold").isGreaterThan(3 * (int) LIMIT);
    }

    private void awaitEverythingStored() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(store.sensors()).singleElement().satisfies(s -> assertThat(
                        store.query(SeriesQuery.raw(s.key(), 0, Long.MAX_VALUE, 1_000_000)).t())
                        .hasSize(MESSAGES * READINGS)));
    }

    private double received() {
        return registry.counter("steward.messages.received").count();
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
}
