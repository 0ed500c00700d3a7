package coop.steward.collector.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import coop.steward.collector.presence.HealthReports;
import coop.steward.collector.presence.Presence;
import coop.steward.collector.store.SqliteReadingStore;
import coop.steward.testsupport.MosquittoBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A transaction takes what waits for the store, up to the fewer of what the collector's settings allow and what
 * suits the store: the embedded store gains from transactions that InfluxDB is slower with (docs/reliability.md).
 */
class TransactionSizeTest {
    private static final int MESSAGES = 500;

    @TempDir
    Path tmp;
    private final Vertx vertx = Vertx.vertx();
    private final CountDownLatch storeMoves = new CountDownLatch(1);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private MosquittoBroker broker;
    private StalledStore store;

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
        if (store != null) {
            store.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aStoreThatSuitsSmallerTransactionsThanTheSettingsAllow_getsNoLargerOnes() throws Exception {
        storeBacklogThenRelease(20_000, 100);

        assertThat(store.writes()).as("readings of each write")
                .allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(100)).contains(100);
    }

    @Test
    void settingsThatAllowSmallerTransactionsThanTheStoreSuits_getNoLargerOnes() throws Exception {
        storeBacklogThenRelease(40, 100_000);

        assertThat(store.writes()).as("readings of each write")
                .allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(40)).contains(40);
    }

    /** 500 messages of one reading wait while the store holds its first write; then every one is stored. */
    private void storeBacklogThenRelease(int settingsAllow, int storeSuits) throws Exception {
        broker = MosquittoBroker.start(tmp.resolve("mosquitto"), "max_inflight_messages 0");
        store = new StalledStore(SqliteReadingStore.open(tmp.resolve("store"), Duration.ofDays(90)), storeMoves,
                storeSuits);
        MqttIngest ingest = new MqttIngest(new IngestSettings(broker.url(), "transaction-size-test", null, null,
                10_000, settingsAllow), store, registry, new RejectionLog(new SimpleMeterRegistry()), new Presence(),
                new HealthReports(), Clock.systemUTC(), CommitListener.NONE);
        vertx.deployVerticle(ingest).await(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(ingest::isConnected);
        OneReadingMessages.publish(broker.url(), "transaction-size-publisher", "size-site", MESSAGES);
        OneReadingMessages.awaitReceived(registry, MESSAGES);

        storeMoves.countDown();
        OneReadingMessages.awaitStored(store, MESSAGES);
        assertThat(store.writes().stream().mapToInt(Integer::intValue).sum()).isEqualTo(MESSAGES);
    }
}
