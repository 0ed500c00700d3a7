package coop.steward.collector.store;

import coop.steward.protocol.Kind;
import coop.steward.protocol.Reading;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The embedded store: one SQLite file in WAL mode. One writer connection (SQLite has a single writer) and a
 * few reader connections, which WAL lets run beside the writer.
 */
public final class SqliteReadingStore implements ReadingStore {
    private static final int READERS = 4;
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

    private final Path file;
    private final Connection writer;
    private final BlockingQueue<Connection> readers = new ArrayBlockingQueue<>(READERS);
    /** Touched only by the writer thread. */
    private final Map<SeriesKey, Long> seriesIds = new HashMap<>();

    private SqliteReadingStore(Path file, Connection writer) {
        this.file = file;
        this.writer = writer;
    }

    /** Opens (creating when needed) {@code readings.db} in {@code dir}. */
    public static SqliteReadingStore open(Path dir) {
        Path file = dir.resolve("readings.db");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StoreException("cannot create the data folder " + dir.toAbsolutePath()
                    + ": check that it is writable (" + e.getMessage() + ")", e);
        }
        try {
            Connection writer = connect(file);
            try (Statement st = writer.createStatement()) {
                st.execute("PRAGMA journal_mode=WAL");
                for (String ddl : SCHEMA.split(";")) {
                    if (!ddl.isBlank()) {
                        st.execute(ddl);
                    }
                }
            }
            writer.setAutoCommit(false);
            SqliteReadingStore store = new SqliteReadingStore(file, writer);
            for (int i = 0; i < READERS; i++) {
                store.readers.add(connect(file));
            }
            return store;
        } catch (SQLException e) {
            throw new StoreException("cannot open the store " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    private static Connection connect(Path file) throws SQLException {
        Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        try (Statement st = connection.createStatement()) {
            // FULL: a reading is acknowledged only after commit, so a commit must survive a power cut too.
            st.execute("PRAGMA synchronous=FULL");
            st.execute("PRAGMA busy_timeout=10000");
        }
        return connection;
    }

    @Override
    public synchronized long write(List<DeviceReadings> batches, List<DeviceStatus> statuses) {
        try {
            long inserted = 0;
            try (PreparedStatement insert = writer.prepareStatement(
                    "INSERT OR IGNORE INTO reading (series_id, t, value) VALUES (?, ?, ?)")) {
                for (DeviceReadings batch : batches) {
                    for (Reading r : batch.readings()) {
                        insert.setLong(1, seriesId(new SeriesKey(batch.site(), batch.device(), r.sensor()), r));
                        insert.setLong(2, r.t());
                        insert.setDouble(3, r.value());
                        insert.addBatch();
                    }
                }
                for (int count : insert.executeBatch()) {
                    inserted += Math.max(count, 0);
                }
            }
            try (PreparedStatement seen = writer.prepareStatement("""
                    INSERT INTO device (site, device, state, last_seen) VALUES (?, ?, 'unknown', ?)
                    ON CONFLICT (site, device) DO UPDATE SET last_seen = max(coalesce(last_seen, 0), excluded.last_seen)
                    """)) {
                for (DeviceReadings batch : batches) {
                    seen.setString(1, batch.site());
                    seen.setString(2, batch.device());
                    seen.setLong(3, batch.receivedAt());
                    seen.addBatch();
                }
                seen.executeBatch();
            }
            try (PreparedStatement state = writer.prepareStatement("""
                    INSERT INTO device (site, device, state, last_seen) VALUES (?, ?, ?, ?)
                    ON CONFLICT (site, device) DO UPDATE SET state = excluded.state,
                      last_seen = max(coalesce(last_seen, 0), coalesce(excluded.last_seen, 0))
                    """)) {
                for (DeviceStatus status : statuses) {
                    state.setString(1, status.site());
                    state.setString(2, status.device());
                    state.setString(3, status.state());
                    state.setObject(4, status.lastSeen());
                    state.addBatch();
                }
                state.executeBatch();
            }
            writer.commit();
            return inserted;
        } catch (SQLException e) {
            rollback();
            // A rolled-back transaction may have created series rows we cached; forget them.
            seriesIds.clear();
            throw new StoreException("writing " + batches.size() + " batches to " + file + " failed: "
                    + e.getMessage(), e);
        }
    }

    private long seriesId(SeriesKey key, Reading reading) throws SQLException {
        Long id = seriesIds.get(key);
        if (id != null) {
            return id;
        }
        String unit = reading.unit() != null ? reading.unit()
                : Kind.lookup(reading.kind()).map(Kind::unit).orElse("");
        try (PreparedStatement upsert = writer.prepareStatement("""
                INSERT INTO series (site, device, sensor, kind, unit) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (site, device, sensor) DO UPDATE SET kind = excluded.kind, unit = excluded.unit
                RETURNING id
                """)) {
            upsert.setString(1, key.site());
            upsert.setString(2, key.device());
            upsert.setString(3, key.sensor());
            upsert.setString(4, reading.kind());
            upsert.setString(5, unit == null ? "" : unit);
            try (ResultSet rs = upsert.executeQuery()) {
                rs.next();
                id = rs.getLong(1);
            }
        }
        seriesIds.put(key, id);
        return id;
    }

    private void rollback() {
        try {
            writer.rollback();
        } catch (SQLException ignored) {
            // The connection is unusable; the next write reports the real error.
        }
    }

    @Override
    public SeriesData query(SeriesQuery query) {
        return read(c -> {
            SeriesKey key = query.key();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, kind, unit FROM series WHERE site = ? AND device = ? AND sensor = ?")) {
                ps.setString(1, key.site());
                ps.setString(2, key.device());
                ps.setString(3, key.sensor());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return new SeriesData(key, null, null, new long[0], new double[0], false);
                    }
                    return points(c, query, rs.getLong(1), rs.getString(2), rs.getString(3));
                }
            }
        });
    }

    private static SeriesData points(Connection c, SeriesQuery query, long seriesId, String kind, String unit)
            throws SQLException {
        String sql = query.isRaw()
                ? "SELECT t, value FROM reading WHERE series_id = ? AND t >= ? AND t < ? ORDER BY t LIMIT ?"
                : "SELECT (t / " + query.stepMillis() + ") * " + query.stepMillis() + " AS bucket, "
                        + aggregate(query.aggregation())
                        + " FROM reading WHERE series_id = ? AND t >= ? AND t < ? GROUP BY bucket ORDER BY bucket LIMIT ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, seriesId);
            ps.setLong(2, query.from());
            ps.setLong(3, query.to());
            ps.setInt(4, query.limit() + 1);
            long[] t = new long[Math.min(query.limit() + 1, 1024)];
            double[] v = new double[t.length];
            int n = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (n == t.length) {
                        t = java.util.Arrays.copyOf(t, n * 2);
                        v = java.util.Arrays.copyOf(v, n * 2);
                    }
                    t[n] = rs.getLong(1);
                    v[n] = rs.getDouble(2);
                    n++;
                }
            }
            boolean truncated = n > query.limit();
            int size = Math.min(n, query.limit());
            return new SeriesData(query.key(), kind, unit, java.util.Arrays.copyOf(t, size),
                    java.util.Arrays.copyOf(v, size), truncated);
        }
    }

    private static String aggregate(Aggregation aggregation) {
        return switch (aggregation) {
            case MEAN -> "avg(value)";
            case MIN -> "min(value)";
            case MAX -> "max(value)";
            case SUM -> "sum(value)";
            case COUNT -> "count(*)";
            // SQLite takes a bare column from the row that holds max(): the value of the bucket's last point.
            case LAST -> "value, max(t)";
        };
    }

    @Override
    public List<SensorSummary> sensors() {
        return read(c -> {
            List<SensorSummary> result = new ArrayList<>();
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("""
                         SELECT s.site, s.device, s.sensor, s.kind, s.unit,
                           (SELECT t FROM reading WHERE series_id = s.id ORDER BY t DESC LIMIT 1) AS t,
                           (SELECT value FROM reading WHERE series_id = s.id ORDER BY t DESC LIMIT 1) AS value
                         FROM series s ORDER BY s.site, s.device, s.sensor
                         """)) {
                while (rs.next()) {
                    long t = rs.getLong(6);
                    Point last = rs.wasNull() ? null : new Point(t, rs.getDouble(7));
                    result.add(new SensorSummary(new SeriesKey(rs.getString(1), rs.getString(2), rs.getString(3)),
                            rs.getString(4), rs.getString(5), last));
                }
            }
            return result;
        });
    }

    @Override
    public List<DeviceStatus> devices() {
        return read(c -> {
            List<DeviceStatus> result = new ArrayList<>();
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery(
                         "SELECT site, device, state, last_seen FROM device ORDER BY site, device")) {
                while (rs.next()) {
                    long lastSeen = rs.getLong(4);
                    result.add(new DeviceStatus(rs.getString(1), rs.getString(2), rs.getString(3),
                            rs.wasNull() ? null : lastSeen));
                }
            }
            return result;
        });
    }

    @Override
    public void ping() {
        read(c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM series")) {
                return rs.next();
            }
        });
    }

    private interface ReadWork<T> {
        T run(Connection connection) throws SQLException;
    }

    private <T> T read(ReadWork<T> work) {
        Connection connection;
        try {
            connection = readers.poll(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for a store connection", e);
        }
        if (connection == null) {
            throw new StoreException("the store is busy: no reader connection came free within 30 s", null);
        }
        try {
            return work.run(connection);
        } catch (SQLException e) {
            throw new StoreException("reading " + file + " failed: " + e.getMessage(), e);
        } finally {
            readers.add(connection);
        }
    }

    @Override
    public synchronized void close() {
        List<Connection> all = new ArrayList<>(readers);
        all.add(writer);
        for (Connection c : all) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // Closing is best effort; SQLite's WAL recovers on the next open.
            }
        }
    }
}
