package coop.steward.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;

/**
 * The baseline beside the collector's figure: a bare SQLite writer doing what the embedded store did before issue
 * 15, in a process of its own. Each message of a {@link SmallSite}'s day is one transaction ({@code synchronous=FULL},
 * WAL, SQLite's own checkpoint at 1,000 pages, as the store's background checkpoint does it) that inserts its
 * readings into the series-ordered table, adds them to their hour's roll-ups and sets the device's last-seen time;
 * each status message, one transaction setting the device's state. Prints the bytes it wrote
 * ({@code write_bytes} of /proc/self/io) from the first message on.
 */
public final class PreviousPolicyWriter {
    private PreviousPolicyWriter() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createDirectories(Path.of(args[0]));
        int days = Integer.parseInt(args[1]);
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("readings.db"));
             Statement st = db.createStatement()) {
            st.execute("PRAGMA journal_mode=WAL");
            st.execute("PRAGMA synchronous=FULL");
            st.execute("CREATE TABLE reading (series_id INTEGER NOT NULL, t INTEGER NOT NULL, value REAL NOT NULL, "
                    + "PRIMARY KEY (series_id, t)) WITHOUT ROWID");
            st.execute("CREATE TABLE rollup_1h (series_id INTEGER NOT NULL, bucket INTEGER NOT NULL, min REAL NOT NULL, "
                    + "max REAL NOT NULL, sum REAL NOT NULL, count INTEGER NOT NULL, last_t INTEGER NOT NULL, "
                    + "last_value REAL NOT NULL, PRIMARY KEY (series_id, bucket)) WITHOUT ROWID");
            st.execute("CREATE TABLE device (site TEXT NOT NULL, device TEXT NOT NULL, state TEXT NOT NULL, "
                    + "last_seen INTEGER, PRIMARY KEY (site, device)) WITHOUT ROWID");
            db.setAutoCommit(false);
            long before = WriteBytes.of(ProcessHandle.current().pid());
            long t0 = System.currentTimeMillis() - days * 86_400_000L;
            try (PreparedStatement reading = db.prepareStatement("INSERT OR IGNORE INTO reading VALUES (?, ?, ?)");
                 PreparedStatement rollup = db.prepareStatement("""
                         INSERT INTO rollup_1h VALUES (?, ?, ?, ?, ?, 1, ?, ?)
                         ON CONFLICT (series_id, bucket) DO UPDATE SET min = min(min, excluded.min),
                           max = max(max, excluded.max), sum = sum + excluded.sum, count = count + 1,
                           last_t = excluded.last_t, last_value = excluded.last_value""");
                 PreparedStatement seen = db.prepareStatement("""
                         INSERT INTO device VALUES ('small-site', ?, 'unknown', ?)
                         ON CONFLICT (site, device) DO UPDATE SET last_seen = excluded.last_seen""");
                 PreparedStatement state = db.prepareStatement("""
                         INSERT INTO device VALUES ('small-site', ?, 'online', ?)
                         ON CONFLICT (site, device) DO UPDATE SET state = excluded.state""")) {
                for (int minute = 0; minute < days * 1_440; minute++) {
                    for (int d = 0; d < SmallSite.DEVICES; d++) {
                        long t = t0 + minute * SmallSite.MINUTE + d * 15_000L;
                        for (int s = 0; s < SmallSite.SENSORS; s++) {
                            long series = d * SmallSite.SENSORS + s;
                            double value = 20 + (minute + s) % 10;
                            reading.setLong(1, series);
                            reading.setLong(2, t);
                            reading.setDouble(3, value);
                            reading.executeUpdate();
                            rollup.setLong(1, series);
                            rollup.setLong(2, Math.floorDiv(t, 3_600_000L) * 3_600_000L);
                            rollup.setDouble(3, value);
                            rollup.setDouble(4, value);
                            rollup.setDouble(5, value);
                            rollup.setLong(6, t);
                            rollup.setDouble(7, value);
                            rollup.executeUpdate();
                        }
                        seen.setString(1, "bed-" + d);
                        seen.setLong(2, t);
                        seen.executeUpdate();
                        db.commit();
                        state.setString(1, "bed-" + d);
                        state.setLong(2, t);
                        state.executeUpdate();
                        db.commit();
                    }
                }
            }
            System.out.println(WriteBytes.of(ProcessHandle.current().pid()) - before);
        }
    }
}
