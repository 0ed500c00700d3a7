package coop.steward.bench;

import coop.steward.agent.Agent;
import coop.steward.config.DeviceConfigLoader;
import coop.steward.protocol.ProtocolJson;
import coop.steward.protocol.Reading;
import coop.steward.protocol.ReadingsMessage;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How fast an agent empties a full outbox into the real collector through the real broker after an outage:
 * from the agent's start until the collector has confirmed every message.
 */
final class OutboxReplay {
    private OutboxReplay() {
    }

    static double rate(Path storage, String brokerUrl, int readings, int perMessage) throws Exception {
        fill(storage, readings, perMessage);
        Agent agent = Agent.create(DeviceConfigLoader.parse("""
                site: bench
                device: replay
                mqtt: {url: '%s'}
                storage: {dir: '%s', maxOutboxReadings: 10000000}
                sensors:
                  - {id: slow, kind: soil_moisture, intervalSeconds: 3600, source: {type: simulated}}
                """.formatted(brokerUrl, storage), "replay.yaml"), Clock.systemUTC());
        if (agent.outboxReadings() != readings) {
            throw new IllegalStateException("the outbox holds " + agent.outboxReadings() + " readings, not " + readings);
        }
        long start = System.nanoTime();
        agent.start();
        long deadline = start + Duration.ofMinutes(10).toNanos();
        while (agent.outboxReadings() > 1) { // the one reading the agent takes itself at start may be in flight
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("replay did not finish in 10 minutes");
            }
            Thread.sleep(20);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        agent.stop(Duration.ofSeconds(5));
        return readings / seconds;
    }

    /** An outbox as an outage leaves it, written in one transaction (adding message by message takes minutes). */
    private static void fill(Path storage, int readings, int perMessage) throws Exception {
        // Let the agent create its outbox, so the rows below go into its own schema.
        Agent.create(DeviceConfigLoader.parse("""
                site: bench
                device: replay
                mqtt: {url: 'tcp://127.0.0.1:1'}
                storage: {dir: '%s'}
                sensors:
                  - {id: slow, kind: soil_moisture, intervalSeconds: 3600, source: {type: simulated}}
                """.formatted(storage), "schema.yaml"), Clock.systemUTC()).stop(Duration.ZERO);
        long t0 = System.currentTimeMillis() - Duration.ofDays(2).toMillis();
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + storage.resolve("outbox.db"))) {
            db.setAutoCommit(false);
            try (PreparedStatement insert = db.prepareStatement(
                    "INSERT INTO message (seq, payload, readings, created_ms) VALUES (?, ?, ?, 0)")) {
                for (int seq = 0; seq * perMessage < readings; seq++) {
                    List<Reading> batch = new ArrayList<>();
                    for (int i = 0; i < perMessage; i++) {
                        int n = seq * perMessage + i;
                        batch.add(new Reading("s" + (n % 8), "soil_moisture", t0 + (n / 8) * 1_000L, 31.25, "%"));
                    }
                    insert.setLong(1, seq);
                    insert.setBytes(2, ProtocolJson.encode(ReadingsMessage.of("replay", seq, batch)));
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
