package coop.steward.collector.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/** The embedded store's tables, their versions, and the settings of every connection to {@code readings.db}. */
final class SqliteSchema {
    static final String FILE = "readings.db";
    /**
     * The writer's own checkpoint, far later than the {@link Checkpointer}'s: it lets SQLite start the log afresh
     * under a load that never pauses, so the log stays under about 64 MiB.
     */
    private static final int WRITER_CHECKPOINT_PAGES = 16_000;
    private static final String SCHEMA = """
            CREATE TABLE IF NOT EXISTS series (
              id INTEGER PRIMARY KEY,
              site TEXT NOT NULL, device TEXT NOT NULL, sensor TEXT NOT NULL,
              kind TEXT NOT NULL, unit TEXT NOT NULL,
              UNIQUE (site, device, sensor));
            CREATE TABLE IF NOT EXISTS reading (
              series_id INTEGER NOT NULL, t INTEGER NOT NULL, value REAL NOT NULL,
              PRIMARY KEY (series_id, t)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS device (
              site TEXT NOT NULL, device TEXT NOT NULL, state TEXT NOT NULL, last_seen INTEGER,
              PRIMARY KEY (site, device)) WITHOUT ROWID;
            """;
    /** Hourly roll-ups, kept for ever: long ranges are answered from 8,760 rows a year instead of 525,600. */
    private static final String ROLLUP_SCHEMA = """
            CREATE TABLE IF NOT EXISTS rollup_1h (
              series_id INTEGER NOT NULL, bucket INTEGER NOT NULL,
              min REAL NOT NULL, max REAL NOT NULL, sum REAL NOT NULL, count INTEGER NOT NULL,
              last_t INTEGER NOT NULL, last_value REAL NOT NULL,
              PRIMARY KEY (series_id, bucket)) WITHOUT ROWID;
            """;
    /** Fills roll-ups from raw data, for stores written before roll-ups existed. */
    private static final String ROLLUP_BACKFILL = """
            INSERT OR REPLACE INTO rollup_1h
            SELECT g.series_id, g.bucket, g.mn, g.mx, g.sm, g.n, g.last_t,
              (SELECT value FROM reading r WHERE r.series_id = g.series_id AND r.t = g.last_t)
            FROM (SELECT series_id, (t / 3600000) * 3600000 AS bucket, min(value) AS mn, max(value) AS mx,
                    sum(value) AS sm, count(*) AS n, max(t) AS last_t
                  FROM reading GROUP BY series_id, bucket) g
            """;

    private SqliteSchema() {
    }

    /** A connection to {@code file} that commits with {@code synchronous=FULL}. */
    static Connection connect(Path file) throws SQLException {
        Properties options = new Properties();
        // The driver would otherwise follow every INSERT with a SELECT last_insert_rowid() of its own, for
        // getGeneratedKeys, which the store never calls: thousands of statements more a million readings.
        options.setProperty("jdbc.get_generated_keys", "false");
        Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath(), options);
        try (Statement st = connection.createStatement()) {
            // FULL: a reading is acknowledged only after commit, so a commit must survive a power cut too.
            st.execute("PRAGMA synchronous=FULL");
            st.execute("PRAGMA busy_timeout=10000");
        }
        return connection;
    }

    /** Puts the file in WAL mode and its tables at the current version; then sets up the writer connection. */
    static void prepareWriter(Connection writer) throws SQLException {
        try (Statement st = writer.createStatement()) {
            st.execute("PRAGMA journal_mode=WAL");
            migrate(st);
        }
        try (Statement st = writer.createStatement()) {
            // 64 MiB of page cache for the writer: the interior pages of the reading index stay in memory.
            st.execute("PRAGMA cache_size=-65536");
            st.execute("PRAGMA wal_autocheckpoint=" + WRITER_CHECKPOINT_PAGES);
        }
        writer.setAutoCommit(false);
    }

    /**
     * Rolls a connection's transaction back. SQLite rolls a transaction back by itself on some errors (a full disk,
     * an I/O error), and then the driver's rollback fails before it starts the next transaction: start it here, or
     * every later statement would run outside one and every commit fail for ever.
     */
    static void rollBack(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            try (Statement begin = connection.createStatement()) {
                begin.execute("BEGIN");
            } catch (SQLException stillInOne) {
                // A transaction is still open, or the connection is unusable: the next statement reports which.
            }
        }
    }

    /** Sets up the connection that moves journaled readings into the table beside the writer. */
    static void prepareMover(Connection mover) throws SQLException {
        try (Statement st = mover.createStatement()) {
            st.execute("PRAGMA cache_size=-16384");
            st.execute("PRAGMA wal_autocheckpoint=" + WRITER_CHECKPOINT_PAGES);
        }
        mover.setAutoCommit(false);
    }

    /**
     * Schema versions: 1 raw readings, series and devices; 2 adds hourly roll-ups; 3 adds {@code meta}, which holds
     * the hour before which every hour is rolled up ({@link SqliteRollups}).
     */
    private static void migrate(Statement st) throws SQLException {
        int version;
        try (ResultSet rs = st.executeQuery("PRAGMA user_version")) {
            version = rs.next() ? rs.getInt(1) : 0;
        }
        if (version < 1) {
            for (String ddl : SCHEMA.split(";")) {
                if (!ddl.isBlank()) {
                    st.execute(ddl);
                }
            }
            st.execute("PRAGMA user_version = 1");
        }
        if (version < 2) {
            st.execute("BEGIN");
            st.execute(ROLLUP_SCHEMA);
            // Hours before sealed_before had their raw readings dropped: their roll-ups are final.
            st.execute("ALTER TABLE series ADD COLUMN sealed_before INTEGER NOT NULL DEFAULT 0");
            st.execute(ROLLUP_BACKFILL);
            st.execute("PRAGMA user_version = 2");
            st.execute("COMMIT");
        }
        if (version < 3) {
            st.execute("BEGIN");
            st.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID");
            // Version 2 rolled up every reading as it arrived: every hour that has readings has its roll-up.
            st.execute("INSERT OR REPLACE INTO meta (name, value) SELECT '" + SqliteRollups.MARK + "', "
                    + "coalesce(max(bucket) + " + SqliteRollups.HOUR + ", 0) FROM rollup_1h");
            st.execute("PRAGMA user_version = 3");
            st.execute("COMMIT");
        }
    }
}
