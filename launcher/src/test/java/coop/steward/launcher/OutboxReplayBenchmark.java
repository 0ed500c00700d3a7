package coop.steward.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import coop.steward.agent.Agent;
import coop.steward.collector.Collector;
import coop.steward.collector.CollectorSettings;
import coop.steward.collector.ingest.IngestSettings;
import coop.steward.config.DeviceConfigLoader;
import coop.steward.protocol.ProtocolJson;
import coop.steward.protocol.Reading;
import coop.steward.protocol.ReadingsMessage;
import coop.steward.testsupport.MosquittoBroker;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Not part of the suite (the name does not end in Test): how fast an agent empties a full outbox into the real
 * collector through a real Mosquitto after an outage. Run with
 * {@code mvn -B -o test -pl launcher -am -Dtest=OutboxReplayBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 * ({@code -Dreplay.readings=N} to change the size).
 */
class OutboxReplayBenchmark {
    private static final Logger LOG = LoggerFactory.getLogger(OutboxReplayBenchmark.class);
    private static final int READINGS = Integer.getInteger("replay.readings", 400_000);

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0} readings a message, {1}")
    @CsvSource({
            "8, deployment.md broker settings",
            "50, deployment.md broker settings",
            "8, Mosquitto defaults",
    })
    void replay(int perMessage, String brokerSettings) throws Exception {
        String[] extra = brokerSettings.startsWith("deployment")
                ? new String[] {"max_queued_messages 0", "max_queued_bytes 536870912", "max_inflight_messages 1000"}
                : new String[0];
        try (MosquittoBroker broker = MosquittoBroker.start(tmp.resolve("mosquitto"), extra)) {
            Path storage = tmp.resolve("agent");
            String yaml = """
                    site: food-forest
                    device: bed-1
                    mqtt: {url: %s}
                    storage: {dir: '%s', maxOutboxReadings: 10000000}
                    sensors:
                      - {id: slow, kind: soil_moisture, intervalSeconds: 3600, source: {type: simulated}}
                    """.formatted(broker.url(), storage);
            fill(storage, perMessage);
            Vertx vertx = Vertx.vertx();
            IngestSettings ingest = new IngestSettings(broker.url(), "bench-collector", null, null, 2_000, 20_000);
            Collector collector = Collector.start(vertx, new CollectorSettings(ingest, "127.0.0.1", 0,
                    tmp.resolve("store"))).await(30, TimeUnit.SECONDS);
            Agent agent = Agent.create(DeviceConfigLoader.parse(yaml, "bench.yaml"), Clock.systemUTC());
            assertThat(agent.outboxReadings()).isEqualTo(READINGS);
            long start = System.nanoTime();
            agent.start();
            long[] lastLog = {System.nanoTime()};
            await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
                if (System.nanoTime() - lastLog[0] >= 1_000_000_000L) {
                    lastLog[0] = System.nanoTime();
                    LOG.info("replay: {} readings left", agent.outboxReadings());
                }
                return agent.outboxReadings() <= 1;
            });
            double seconds = (System.nanoTime() - start) / 1e9;
            LOG.info("replay: {} readings in messages of {} ({}) confirmed by the collector in {} s: {} readings/s",
                    READINGS, perMessage, brokerSettings, String.format("%.2f", seconds),
                    String.format("%,.0f", READINGS / seconds));
            agent.stop(Duration.ofSeconds(5));
            collector.stop().await(30, TimeUnit.SECONDS);
            vertx.close().await(30, TimeUnit.SECONDS);
        }
    }

    /** An outbox as an outage leaves it, written in one transaction (adding message by message takes minutes). */
    private static void fill(Path storage, int perMessage) throws Exception {
        Agent.create(DeviceConfigLoader.parse("""
                site: food-forest
                device: bed-1
                mqtt: {url: 'tcp://127.0.0.1:1'}
                storage: {dir: '%s'}
                sensors:
                  - {id: slow, kind: soil_moisture, intervalSeconds: 3600, source: {type: simulated}}
                """.formatted(storage), "schema.yaml"), Clock.systemUTC()).stop(Duration.ZERO);
        long t0 = 1_764_000_000_000L;
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + storage.resolve("outbox.db"))) {
            db.setAutoCommit(false);
            try (PreparedStatement insert = db.prepareStatement(
                    "INSERT INTO message (seq, payload, readings, created_ms) VALUES (?, ?, ?, 0)")) {
                for (int seq = 0; seq * perMessage < READINGS; seq++) {
                    List<Reading> readings = new ArrayList<>();
                    for (int i = 0; i < perMessage; i++) {
                        int n = seq * perMessage + i;
                        readings.add(new Reading("s" + (n % 8), "soil_moisture", t0 + (n / 8) * 1_000L, 31.25, "%"));
                    }
                    insert.setLong(1, seq);
                    insert.setBytes(2, ProtocolJson.encode(ReadingsMessage.of("bed-1", seq, readings)));
                    insert.setInt(3, perMessage);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            db.commit();
            try (Statement s = db.createStatement()) {
                s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            }
        }
    }
}
