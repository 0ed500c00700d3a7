package coop.steward.collector.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import coop.steward.collector.presence.HealthReports;
import coop.steward.collector.presence.Presence;
import coop.steward.collector.store.SqliteReadingStore;
import coop.steward.testsupport.CuttableLink;
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
 * The acknowledgements of a batch committed at once leave the collector together, so that the broker reads them in
 * a few reads rather than one per message: at a collector's full rate, that was a write and a read per message.
 */
class AckWritesTest {
    private static final int MESSAGES = 500;

    @TempDir
    Path tmp;
    private final Vertx vertx = Vertx.vertx();
    private final CountDownLatch storeMoves = new CountDownLatch(1);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private MosquittoBroker broker;
    private CuttableLink link;
    private StalledStore store;

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
        if (store != null) {
            store.close();
        }
        if (link != null) {
            link.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void theAcknowledgementsOfMessagesCommittedTogether_reachTheBrokerInAFewReads_notOneReadPerMessage()
            throws Exception {
        // No in-flight window: the broker sends every message while the store holds the first write.
        broker = MosquittoBroker.start(tmp.resolve("mosquitto"), "max_inflight_messages 0");
        link = CuttableLink.to(broker.port());
        store = new StalledStore(SqliteReadingStore.open(tmp.resolve("store"), Duration.ofDays(90)), storeMoves);
        MqttIngest ingest = new MqttIngest(new IngestSettings(link.url(), "ack-writes-test", null, null, 10_000,
                20_000), store, registry, new RejectionLog(new SimpleMeterRegistry()), new Presence(),
                new HealthReports(), Clock.systemUTC(), CommitListener.NONE);
        vertx.deployVerticle(ingest).await(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(ingest::isConnected);
        OneReadingMessages.publish(broker.url(), "ack-writes-publisher", "ack-site", MESSAGES);
        OneReadingMessages.awaitReceived(registry, MESSAGES);
        long before = link.clientReads();
        long bytesBefore = link.clientBytes();

        storeMoves.countDown();
        OneReadingMessages.awaitStored(store, MESSAGES);
        // Written as each commit returns, on the collector's event loop; the relay passes them on in microseconds.
        Thread.sleep(1_000);

        assertThat(link.clientBytes() - bytesBefore).as("every acknowledgement went out (a PUBACK is 4 bytes)")
                .isGreaterThanOrEqualTo(4L * MESSAGES);
        long reads = link.clientReads() - before;
        assertThat(reads).as("reads of %d acknowledgements, released by two or three commits", MESSAGES)
                .isPositive().isLessThanOrEqualTo(MESSAGES / 20);
    }
}
