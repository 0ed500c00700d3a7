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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The embedded store: one SQLite file in WAL mode. One writer connection (SQLite has a single writer) and a
 * few reader connections, which WAL lets run beside the writer.
 */
public final class SqliteReadingStore implements ReadingStore {
    private static final int READERS = 4;
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
    static final long HOUR = 3_600_000L;
    /** Rows per INSERT statement: 1,500 parameters, well under SQLite's limit of 32,766. */
    private static final int ROWS_PER_INSERT = 500;
    /** Built once: every chunk but a transaction's last is full, and each SQL text is some 5 KB. */
    private static final String INSERT_FULL_CHUNK = buildInsertSql(ROWS_PER_INSERT, false);
    private static final String INSERT_FULL_CHUNK_RETURNING = buildInsertSql(ROWS_PER_INSERT, true);
    public static final Duration DEFAULT_RAW_RETENTION = Duration.ofDays(90);

    private final Path file;
    private final Duration rawRetention;
    private final Connection writer;
    private final SqliteReaders readers;
    /** Touched only by the writer thread. */
    private final Map<SeriesKey, SeriesRow> seriesRows = new HashMap<>();
    private final Checkpointer checkpointer;

    private SqliteReadingStore(Path file, Duration rawRetention, Connection writer, SqliteReaders readers,
                               Checkpointer checkpointer) {
        this.file = file;
        this.rawRetention = rawRetention;
        this.writer = writer;
        this.readers = readers;
        this.checkpointer = checkpointer;
    }

    public static SqliteReadingStore open(Path dir) {
        return open(dir, DEFAULT_RAW_RETENTION);
    }

    /**
     * Opens (creating when needed) {@code readings.db} in {@code dir}; raw readings older than
     * {@code rawRetention} are dropped by {@link #maintain}, hourly roll-ups are kept for ever.
     */
    public static SqliteReadingStore open(Path dir, Duration rawRetention) {
        Path file = dir.resolve("readings.db");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StoreException("cannot create the data folder " + dir.toAbsolutePath()
                    + ": check that it is writable (" + e.getMessage() + ")", e);
        }
        List<Connection> opened = new ArrayList<>();
        try {
            Connection writer = connect(file);
            opened.add(writer);
            try (Statement st = writer.createStatement()) {
                st.execute("PRAGMA journal_mode=WAL");
                migrate(st);
            }
            try (Statement st = writer.createStatement()) {
                // 64 MiB of page cache for the writer: the interior pages of the reading index stay in memory.
                st.execute("PRAGMA cache_size=-65536");
                // The checkpointer copies the log in the background. The writer's own checkpoint, far later, lets
                // SQLite start the log afresh under a load that never pauses, so the log stays under about 64 MiB.
                st.execute("PRAGMA wal_autocheckpoint=" + WRITER_CHECKPOINT_PAGES);
            }
            writer.setAutoCommit(false);
            List<Connection> readers = new ArrayList<>();
            for (int i = 0; i < READERS; i++) {
                readers.add(connect(file));
                opened.add(readers.get(i));
            }
            Connection checkpointing = connect(file);
            opened.add(checkpointing);
            return new SqliteReadingStore(file, rawRetention, writer, new SqliteReaders(file, readers),
                    Checkpointer.start(checkpointing, file));
        } catch (SQLException e) {
            closeAll(opened);
            throw new StoreException("cannot open the store " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    /** Schema versions: 1 raw readings, series and devices; 2 adds hourly roll-ups. */
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
            long inserted = insertReadings(batches);
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
                      last_seen = CASE WHEN excluded.last_seen IS NULL THEN last_seen
                                       ELSE max(coalesce(last_seen, 0), excluded.last_seen) END
                    """)) {
                for (DeviceStatus status : statuses) {
                    state.setString(1, status.site());
                    state.setString(2, status.device());
                    state.setString(3, status.state());
                    if (status.lastSeen() == null) {
                        state.setNull(4, java.sql.Types.INTEGER);
                    } else {
                        state.setLong(4, status.lastSeen());
                    }
                    state.addBatch();
                }
                state.executeBatch();
            }
            writer.commit();
            return inserted;
        } catch (SQLException e) {
            rollback();
            // A rolled-back transaction may have created series rows we cached; forget them.
            seriesRows.clear();
            throw new StoreException("writing " + batches.size() + " batches to " + file + " failed: "
                    + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            // Never leave a half-written transaction for the next write to commit: its retry would then take these
            // rows for replays and leave them out of the roll-ups.
            rollback();
            seriesRows.clear();
            throw e;
        }
    }

    /**
     * Inserts new identities and folds exactly those, not replays, into the hourly roll-ups. Rows go in
     * multi-row statements: far fewer calls into SQLite than one statement per row. A statement that inserted
     * every one of its rows (the usual case) folds them from memory; one that met a replay is rolled back and run
     * again with a RETURNING clause that names just the rows that were new.
     */
    private long insertReadings(List<DeviceReadings> batches) throws SQLException {
        int total = 0;
        for (DeviceReadings batch : batches) {
            total += batch.readings().size();
        }
        long[] ids = new long[total];
        long[] times = new long[total];
        double[] values = new double[total];
        int n = 0;
        for (DeviceReadings batch : batches) {
            for (Reading r : batch.readings()) {
                SeriesRow series = series(new SeriesKey(batch.site(), batch.device(), r.sensor()), r);
                if (r.t() < series.sealedBefore()) {
                    // Its hour is sealed: a replay of it would be counted twice, so late readings are dropped.
                    continue;
                }
                ids[n] = series.id();
                times[n] = r.t();
                values[n] = r.value();
                n++;
            }
        }
        sortBySeriesAndTime(ids, times, values, n);
        Map<RollupKey, Bucket> hours = new HashMap<>();
        long inserted = 0;
        Map<String, PreparedStatement> statements = new HashMap<>();
        try {
            for (int start = 0; start < n; start += ROWS_PER_INSERT) {
                int rows = Math.min(ROWS_PER_INSERT, n - start);
                statement(statements, "SAVEPOINT chunk").execute();
                PreparedStatement insert = bind(statement(statements, insertSql(rows, false)), ids, times, values,
                        start, rows);
                if (insert.executeUpdate() == rows) {
                    for (int i = start; i < start + rows; i++) {
                        fold(hours, ids[i], times[i], values[i]);
                    }
                    inserted += rows;
                } else {
                    statement(statements, "ROLLBACK TO chunk").execute();
                    PreparedStatement returning = bind(statement(statements, insertSql(rows, true)), ids, times,
                            values, start, rows);
                    try (ResultSet rs = returning.executeQuery()) {
                        while (rs.next()) {
                            inserted++;
                            fold(hours, rs.getLong(1), rs.getLong(2), rs.getDouble(3));
                        }
                    }
                }
                statement(statements, "RELEASE chunk").execute();
            }
        } finally {
            for (PreparedStatement statement : statements.values()) {
                statement.close();
            }
        }
        upsertRollups(hours);
        return inserted;
    }

    private PreparedStatement statement(Map<String, PreparedStatement> statements, String sql) throws SQLException {
        PreparedStatement statement = statements.get(sql);
        if (statement == null) {
            statement = writer.prepareStatement(sql);
            statements.put(sql, statement);
        }
        return statement;
    }

    private static PreparedStatement bind(PreparedStatement insert, long[] ids, long[] times, double[] values,
                                          int start, int rows) throws SQLException {
        int p = 1;
        for (int i = start; i < start + rows; i++) {
            insert.setLong(p++, ids[i]);
            insert.setLong(p++, times[i]);
            insert.setDouble(p++, values[i]);
        }
        return insert;
    }

    private static void fold(Map<RollupKey, Bucket> hours, long seriesId, long t, double value) {
        hours.computeIfAbsent(new RollupKey(seriesId, Math.floorDiv(t, HOUR) * HOUR), k -> new Bucket()).add(t, value);
    }

    /**
     * Messages from many devices arrive interleaved; inserting in primary-key order touches each index page
     * once per transaction instead of once per message.
     */
    static void sortBySeriesAndTime(long[] ids, long[] times, double[] values, int n) {
        int[] order = seriesThenArrival(ids, n);
        // A device sends each sensor's readings in time order, so a series' run is almost always sorted already;
        // only runs that are not (resends, replays) are sorted by time.
        for (int from = 0; from < n; ) {
            int to = from + 1;
            boolean ordered = true;
            while (to < n && ids[order[to]] == ids[order[from]]) {
                ordered &= times[order[to - 1]] <= times[order[to]];
                to++;
            }
            if (!ordered) {
                sortRunByTime(order, from, to, times);
            }
            from = to;
        }
        long[] sortedIds = new long[n];
        long[] sortedTimes = new long[n];
        double[] sortedValues = new double[n];
        for (int i = 0; i < n; i++) {
            sortedIds[i] = ids[order[i]];
            sortedTimes[i] = times[order[i]];
            sortedValues[i] = values[order[i]];
        }
        System.arraycopy(sortedIds, 0, ids, 0, n);
        System.arraycopy(sortedTimes, 0, times, 0, n);
        System.arraycopy(sortedValues, 0, values, 0, n);
    }

    /**
     * Indices ordered by series, then by arrival, on a primitive sort of (series, index) packed into one long: a
     * comparator over boxed indices cost a tenth of the writer's time and kept the JIT recompiling it.
     */
    private static int[] seriesThenArrival(long[] ids, int n) {
        int[] order = new int[n];
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            if (ids[i] < 0 || ids[i] > Integer.MAX_VALUE) {
                return seriesThenArrivalBoxed(ids, n);
            }
            keys[i] = ids[i] << 32 | i;
        }
        Arrays.sort(keys);
        for (int i = 0; i < n; i++) {
            order[i] = (int) keys[i];
        }
        return order;
    }

    /** For series ids too large to pack, which SQLite's rowids of a real site never reach. */
    private static int[] seriesThenArrivalBoxed(long[] ids, int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        sortStably(order, 0, n, Comparator.comparingLong(i -> ids[i]));
        return order;
    }

    private static void sortRunByTime(int[] order, int from, int to, long[] times) {
        sortStably(order, from, to, Comparator.comparingLong(i -> times[i]));
    }

    /** Sorts {@code order[from, to)}; equal keys keep their order. Boxed, for the rare cases only. */
    private static void sortStably(int[] order, int from, int to, Comparator<Integer> by) {
        Integer[] run = new Integer[to - from];
        for (int i = from; i < to; i++) {
            run[i - from] = order[i];
        }
        Arrays.sort(run, by);
        for (int i = from; i < to; i++) {
            order[i] = run[i - from];
        }
    }

    private static String insertSql(int rows, boolean returning) {
        if (rows == ROWS_PER_INSERT) {
            return returning ? INSERT_FULL_CHUNK_RETURNING : INSERT_FULL_CHUNK;
        }
        return buildInsertSql(rows, returning);
    }

    private static String buildInsertSql(int rows, boolean returning) {
        StringBuilder sql = new StringBuilder("INSERT OR IGNORE INTO reading (series_id, t, value) VALUES ");
        for (int i = 0; i < rows; i++) {
            sql.append(i == 0 ? "(?, ?, ?)" : ", (?, ?, ?)");
        }
        return returning ? sql.append(" RETURNING series_id, t, value").toString() : sql.toString();
    }

    private record RollupKey(long seriesId, long bucket) {
    }

    private void upsertRollups(Map<RollupKey, Bucket> hours) throws SQLException {
        try (PreparedStatement upsert = writer.prepareStatement("""
                INSERT INTO rollup_1h (series_id, bucket, min, max, sum, count, last_t, last_value)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (series_id, bucket) DO UPDATE SET
                  min = min(min, excluded.min), max = max(max, excluded.max),
                  sum = sum + excluded.sum, count = count + excluded.count,
                  last_value = CASE WHEN excluded.last_t > last_t THEN excluded.last_value ELSE last_value END,
                  last_t = max(last_t, excluded.last_t)
                """)) {
            for (Map.Entry<RollupKey, Bucket> e : hours.entrySet()) {
                Bucket b = e.getValue();
                upsert.setLong(1, e.getKey().seriesId());
                upsert.setLong(2, e.getKey().bucket());
                upsert.setDouble(3, b.min());
                upsert.setDouble(4, b.max());
                upsert.setDouble(5, b.sum());
                upsert.setLong(6, b.count());
                upsert.setLong(7, b.lastT());
                upsert.setDouble(8, b.last());
                upsert.addBatch();
            }
            upsert.executeBatch();
        }
    }

    /** A series as the writer knows it; touched only by the writer thread. */
    private record SeriesRow(long id, String kind, String unit, long sealedBefore) {
    }

    /** The series of a reading, created or updated so that its kind and unit are those last seen. */
    private SeriesRow series(SeriesKey key, Reading reading) throws SQLException {
        String unit = reading.unit() != null ? reading.unit()
                : Kind.lookup(reading.kind()).map(Kind::unit).orElse(null);
        String storedUnit = unit == null ? "" : unit;
        SeriesRow row = seriesRows.get(key);
        if (row != null && row.kind().equals(reading.kind()) && row.unit().equals(storedUnit)) {
            return row;
        }
        try (PreparedStatement upsert = writer.prepareStatement("""
                INSERT INTO series (site, device, sensor, kind, unit) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (site, device, sensor) DO UPDATE SET kind = excluded.kind, unit = excluded.unit
                RETURNING id, sealed_before
                """)) {
            upsert.setString(1, key.site());
            upsert.setString(2, key.device());
            upsert.setString(3, key.sensor());
            upsert.setString(4, reading.kind());
            upsert.setString(5, storedUnit);
            try (ResultSet rs = upsert.executeQuery()) {
                rs.next();
                row = new SeriesRow(rs.getLong(1), reading.kind(), storedUnit, rs.getLong(2));
            }
        }
        seriesRows.put(key, row);
        return row;
    }

    /** For tests: the most pages the file may have, as a full disk would set it. */
    synchronized void limitPages(long pages) {
        try (Statement st = writer.createStatement()) {
            st.execute("PRAGMA max_page_count = " + pages);
        } catch (SQLException e) {
            throw new StoreException("cannot limit the store's size: " + e.getMessage(), e);
        }
    }

    private void rollback() {
        try {
            writer.rollback();
        } catch (SQLException e) {
            // SQLite rolls a transaction back by itself on some errors (a full disk, an I/O error), and then the
            // driver's rollback fails before it starts the next transaction: start it here, or every later write
            // would run outside one and its commit fail for ever.
            try (Statement begin = writer.createStatement()) {
                begin.execute("BEGIN");
            } catch (SQLException stillInOne) {
                // A transaction is still open, or the connection is unusable: the next write reports which.
            }
        }
    }

    @Override
    public SeriesData query(SeriesQuery query) {
        return readers.read(c -> SqliteSeriesQuery.answer(c, query));
    }

    /** Drops raw readings older than the retention period; their hourly roll-ups stay. */
    @Override
    public synchronized void maintain(long now) {
        // Whole hours only, so that every hour before the cutoff is either fully raw or fully sealed.
        long cutoff = Math.floorDiv(now - rawRetention.toMillis(), HOUR) * HOUR;
        try {
            List<Long> ids = new ArrayList<>();
            try (Statement st = writer.createStatement(); ResultSet rs = st.executeQuery("SELECT id FROM series")) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            // Per series, so each delete is a range of the primary key rather than a scan of the table.
            try (PreparedStatement delete = writer.prepareStatement(
                    "DELETE FROM reading WHERE series_id = ? AND t < ?")) {
                for (long id : ids) {
                    delete.setLong(1, id);
                    delete.setLong(2, cutoff);
                    delete.addBatch();
                }
                delete.executeBatch();
            }
            try (PreparedStatement seal = writer.prepareStatement(
                    "UPDATE series SET sealed_before = max(sealed_before, ?)")) {
                seal.setLong(1, cutoff);
                seal.executeUpdate();
            }
            writer.commit();
            seriesRows.clear();
        } catch (SQLException e) {
            rollback();
            throw new StoreException("dropping readings older than " + rawRetention.toDays() + " days from " + file
                    + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public List<SensorSummary> sensors() {
        return readers.read(c -> {
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
        return readers.read(c -> {
            List<DeviceStatus> result = new ArrayList<>();
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery(
                         "SELECT site, device, state, last_seen FROM device ORDER BY site, device")) {
                while (rs.next()) {
                    long lastSeen = rs.getLong(4);
                    Long seen = rs.wasNull() ? null : lastSeen;
                    result.add(new DeviceStatus(rs.getString(1), rs.getString(2), rs.getString(3), seen));
                }
            }
            return result;
        });
    }

    @Override
    public void ping() {
        readers.read(c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM series")) {
                return rs.next();
            }
        });
    }

    @Override
    public synchronized void close() {
        checkpointer.close();
        List<Connection> all = new ArrayList<>(readers.idle());
        all.add(writer);
        closeAll(all);
    }

    /**
     * Best effort: a close that fails is not worth reporting, neither after a failed open (whose error is) nor on
     * shutdown (SQLite's WAL recovers on the next open).
     */
    private static void closeAll(List<Connection> connections) {
        for (Connection c : connections) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // not worth reporting, as said above
            }
        }
    }
}
