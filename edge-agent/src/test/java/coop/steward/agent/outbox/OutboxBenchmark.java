package coop.steward.agent.outbox;

import coop.steward.protocol.ProtocolJson;
import coop.steward.protocol.Reading;
import coop.steward.protocol.ReadingsMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Not part of the suite (the name does not end in Test): what a flush costs with each fsync policy, and how much
 * disk a reading takes. Run with {@code -Dtest=OutboxBenchmark}; the figures are in docs/reliability.md.
 */
class OutboxBenchmark {
    private static final Logger LOG = LoggerFactory.getLogger(OutboxBenchmark.class);
    private static final String[] SENSORS = {"soil-a", "soil-b", "soil-temp", "flow", "meter", "valve", "air",
            "humidity"};

    @TempDir
    Path dir;

    @Test
    void flushCost_andDiskPerReading() throws Exception {
        for (String mode : new String[] {"FULL", "NORMAL", "OFF"}) {
            flushCost(mode, 500);
        }
        try (Outbox outbox = Outbox.open(dir.resolve("outbox"), 10_000_000, "boot", "bench")) {
            long start = System.nanoTime();
            int flushes = 500;
            for (int i = 0; i < flushes; i++) {
                long seq = outbox.nextSeq();
                outbox.add(seq, message(seq), SENSORS.length, 0);
            }
            LOG.info("Outbox.add (synchronous=FULL), 8 readings a message: {} us per flush",
                    (System.nanoTime() - start) / 1_000 / flushes);
            for (int i = 0; i < 12_500; i++) { // 100,000 readings more, as an outage leaves them
                long seq = outbox.nextSeq();
                outbox.add(seq, message(seq), SENSORS.length, 0);
            }
        }
        Path db = dir.resolve("outbox").resolve(SqliteOutbox.FILE);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        }
        LOG.info("disk: {} bytes per reading (8-reading messages, 104,000 readings)", Files.size(db) / 104_000);
    }

    private void flushCost(String synchronous, int flushes) throws Exception {
        Path file = dir.resolve("raw-" + synchronous + ".db");
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            try (Statement s = db.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=" + synchronous);
                s.execute("CREATE TABLE message (seq INTEGER PRIMARY KEY, payload BLOB NOT NULL, readings INTEGER)");
            }
            db.setAutoCommit(false);
            long start = System.nanoTime();
            try (PreparedStatement insert = db.prepareStatement("INSERT INTO message VALUES (?, ?, 8)")) {
                for (int seq = 0; seq < flushes; seq++) {
                    insert.setLong(1, seq);
                    insert.setBytes(2, message(seq));
                    insert.executeUpdate();
                    db.commit();
                }
            }
            LOG.info("synchronous={}: {} us per flush (one transaction)", synchronous,
                    (System.nanoTime() - start) / 1_000 / flushes);
        }
    }

    private static byte[] message(long seq) {
        List<Reading> readings = new ArrayList<>();
        for (String sensor : SENSORS) {
            readings.add(new Reading(sensor, "soil_moisture", 1_764_000_000_000L + seq * 1_000, 31.456789, "%"));
        }
        return ProtocolJson.encode(ReadingsMessage.of("bed-1", seq, readings));
    }
}
