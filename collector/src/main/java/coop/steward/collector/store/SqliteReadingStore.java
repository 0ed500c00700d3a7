package coop.steward.collector.store;

import coop.steward.protocol.Reading;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The embedded store: one SQLite file in WAL mode, {@code readings.db}, with one writer connection (SQLite has a
 * single writer) and a few reader connections, which WAL lets run beside the writer; and, for the SD card's sake,
 * {@code readings.journal}.
 *
 * <p>A write is durable when it returns, so that the collector may acknowledge it; how it is made durable depends
 * on its size. Thousands of readings go straight into the {@code reading} table, ordered by series and time, where
 * each changed page is written once for many readings. A few, as a site sends them (one device's message of ten
 * readings a minute), would change a page per series for a handful of bytes each: they are appended to the
 * {@link IngestJournal} instead, one synced record, kept in memory ({@link PendingReadings}) where queries see them,
 * and moved into the table {@value #MOVE_AT} at a time, in one transaction with the hours they complete rolled up
 * ({@link SqliteRollups}). Readings late for an hour already rolled up go straight to the table, with their roll-up.
 * What devices' messages and statuses say of them waits in memory for the next write to the table
 * ({@link PendingDevices}).
 *
 * <p>The tables and their versions are {@link SqliteSchema}'s, raw rows go in through {@link SqliteInserts}, and
 * queries are {@link SqliteSeriesQuery}'s, {@link SqliteSensors}' and {@link SqliteDevices}'.
 */
public final class SqliteReadingStore implements ReadingStore {
    public static final Duration DEFAULT_RAW_RETENTION = Duration.ofDays(90);
    private static final int READERS = 4;
    /** A write of at least this many readings goes straight into the table. */
    static final int DIRECT_AT = 1_000;
    /** Readings waiting in the journal are moved into the table once there are this many. */
    static final int MOVE_AT = 10_000;
    /**
     * An hour is rolled up once it is over by this much: readings of its last seconds arrive a little after it, and
     * each of those would otherwise change its roll-up again.
     */
    private static final long HOUR_SETTLES_MS = 10 * 60_000L;
    /** However few readings arrive, hours are rolled up at least this long after they end. */
    private static final long ROLLUP_LAG_MS = 6 * SqliteRollups.HOUR;

    private final Path file;
    private final Path dir;
    private final Duration rawRetention;
    private final Clock clock;
    private final Connection writer;
    private final SqliteReaders readers;
    private final SqliteSeries series;
    private final SqliteRollups rollups;
    private final PendingReadings pending = new PendingReadings();
    private final PendingDevices devices = new PendingDevices();
    private final Checkpointer checkpointer;
    private IngestJournal journal;
    /** The latest reading time the store holds, so that hours are not rolled up ahead of the data. */
    private long newest;

    private SqliteReadingStore(Path dir, Duration rawRetention, Clock clock, Connection writer, SqliteReaders readers,
                               Checkpointer checkpointer) throws SQLException {
        this.dir = dir;
        this.file = dir.resolve(SqliteSchema.FILE);
        this.rawRetention = rawRetention;
        this.clock = clock;
        this.writer = writer;
        this.readers = readers;
        this.series = new SqliteSeries(writer);
        this.rollups = SqliteRollups.load(writer);
        this.checkpointer = checkpointer;
        this.newest = newestStored();
    }

    public static SqliteReadingStore open(Path dir) {
        return open(dir, DEFAULT_RAW_RETENTION);
    }

    /**
     * Opens (creating when needed) the store in {@code dir}; raw readings older than {@code rawRetention} are
     * dropped by {@link #maintain}, hourly roll-ups are kept for ever. Readings the journal holds from before (a
     * crash, a power cut) are moved into the table first.
     */
    public static SqliteReadingStore open(Path dir, Duration rawRetention) {
        return open(dir, rawRetention, Clock.systemUTC());
    }

    static SqliteReadingStore open(Path dir, Duration rawRetention, Clock clock) {
        Path file = dir.resolve(SqliteSchema.FILE);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StoreException("cannot create the data folder " + dir.toAbsolutePath()
                    + ": check that it is writable (" + e.getMessage() + ")", e);
        }
        List<Connection> opened = new ArrayList<>();
        try {
            Connection writer = SqliteSchema.connect(file);
            opened.add(writer);
            SqliteSchema.prepareWriter(writer);
            List<Connection> readers = new ArrayList<>();
            for (int i = 0; i < READERS; i++) {
                readers.add(SqliteSchema.connect(file));
                opened.add(readers.get(i));
            }
            Connection checkpointing = SqliteSchema.connect(file);
            opened.add(checkpointing);
            SqliteReadingStore store = new SqliteReadingStore(dir, rawRetention, clock, writer,
                    new SqliteReaders(file, readers), Checkpointer.start(checkpointing, file));
            try {
                store.recoverJournal();
            } catch (SQLException | IOException | RuntimeException e) {
                store.close();
                throw e;
            }
            return store;
        } catch (SQLException | IOException e) {
            closeAll(opened);
            throw new StoreException("cannot open the store " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Moves what the journal holds into the table, never into roll-ups: each of its readings was either counted by
     * rolling its hour up from what was pending, or its hour is not rolled up yet. Then starts a new journal.
     */
    private void recoverJournal() throws SQLException, IOException {
        List<IngestJournal.Entry> entries = IngestJournal.read(dir);
        if (!entries.isEmpty()) {
            Rows rows = new Rows(entries.size());
            entries.forEach(e -> rows.add(e.seriesId(), e.t(), e.value()));
            SqliteInserts.insert(writer, rows.ids, rows.times, rows.values, rows.n, (id, t, value) -> { });
            writer.commit();
            newest = Math.max(newest, rows.newest());
        }
        journal = IngestJournal.create(dir);
    }

    /** The readings of one write, as rows of the table. */
    private static final class Rows {
        final long[] ids;
        final long[] times;
        final double[] values;
        int n;

        Rows(int capacity) {
            ids = new long[capacity];
            times = new long[capacity];
            values = new double[capacity];
        }

        void add(long id, long t, double value) {
            ids[n] = id;
            times[n] = t;
            values[n] = value;
            n++;
        }

        long newest() {
            long newest = Long.MIN_VALUE;
            for (int i = 0; i < n; i++) {
                newest = Math.max(newest, times[i]);
            }
            return newest;
        }

        boolean anyBefore(long t) {
            for (int i = 0; i < n; i++) {
                if (times[i] < t) {
                    return true;
                }
            }
            return false;
        }
    }

    @Override
    public synchronized long write(List<DeviceReadings> batches, List<DeviceStatus> statuses) {
        try {
            devices.heard(batches, statuses);
            Rows rows = rows(batches);
            long written = rows.n >= DIRECT_AT || rows.anyBefore(rollups.rolledUpBefore())
                    ? intoTheTable(rows) : intoTheJournal(rows);
            newest = Math.max(newest, rows.newest());
            return written;
        } catch (SQLException | IOException e) {
            rollback();
            throw new StoreException("writing " + batches.size() + " batches to " + file + " failed: "
                    + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            // Never leave a half-written transaction for the next write to commit: its retry would then take these
            // rows for replays and leave them out of the roll-ups.
            rollback();
            throw e;
        }
    }

    /** The readings as rows, without those of sealed hours and those waiting in the journal already. */
    private Rows rows(List<DeviceReadings> batches) throws SQLException {
        int total = 0;
        for (DeviceReadings batch : batches) {
            total += batch.readings().size();
        }
        Rows rows = new Rows(total);
        for (DeviceReadings batch : batches) {
            for (Reading r : batch.readings()) {
                SqliteSeries.Row row = series.of(new SeriesKey(batch.site(), batch.device(), r.sensor()), r);
                if (r.t() < row.sealedBefore()) {
                    // Its hour is sealed: a replay of it would be counted twice, so late readings are dropped.
                    continue;
                }
                if (!pending.contains(row.id(), r.t())) {
                    rows.add(row.id(), r.t(), r.value());
                }
            }
        }
        return rows;
    }

    private long intoTheTable(Rows rows) throws SQLException {
        long inserted = SqliteInserts.insert(writer, rows.ids, rows.times, rows.values, rows.n, rollups::fold);
        rollups.write();
        commit();
        return inserted;
    }

    /**
     * Keeps the first copy of each identity the table does not hold, then appends them to the journal, once the
     * series rows they name are committed.
     */
    private long intoTheJournal(Rows rows) throws SQLException, IOException {
        Rows fresh = new Rows(rows.n);
        Set<SeriesPoint> seen = new HashSet<>();
        try (PreparedStatement stored = writer.prepareStatement(
                "SELECT 1 FROM reading WHERE series_id = ? AND t = ?")) {
            for (int i = 0; i < rows.n; i++) {
                if (!seen.add(new SeriesPoint(rows.ids[i], rows.times[i]))) {
                    continue;
                }
                stored.setLong(1, rows.ids[i]);
                stored.setLong(2, rows.times[i]);
                try (ResultSet rs = stored.executeQuery()) {
                    if (!rs.next()) {
                        fresh.add(rows.ids[i], rows.times[i], rows.values[i]);
                    }
                }
            }
        }
        writer.commit(); // the series rows it may have made: a transaction that made none writes nothing
        if (fresh.n == 0) {
            return 0;
        }
        if (pending.size() + fresh.n > MOVE_AT || !journal.fits(fresh.n)) {
            moveIntoTheTable();
        }
        journal.append(fresh.ids, fresh.times, fresh.values, fresh.n);
        for (int i = 0; i < fresh.n; i++) {
            pending.add(fresh.ids[i], fresh.times[i], fresh.values[i]);
        }
        return fresh.n;
    }

    private record SeriesPoint(long seriesId, long t) {
    }

    /**
     * Moves the readings waiting in the journal into the table, in one transaction with what devices said and the
     * hours now complete rolled up; then the journal starts over.
     */
    private void moveIntoTheTable() throws SQLException {
        Rows rows = new Rows(pending.size());
        for (long id : pending.seriesIds()) {
            pending.points(id, Long.MIN_VALUE, Long.MAX_VALUE).forEach((t, value) -> rows.add(id, t, value));
        }
        // Never into roll-ups: each was new when it was journaled, at or after the mark.
        SqliteInserts.insert(writer, rows.ids, rows.times, rows.values, rows.n, (id, t, value) -> { });
        rollups.rollUp(hoursOver(clock.millis()), null);
        commit();
        pending.clear();
        journal.startOver();
    }

    /** The hour before which every hour is over and settled: not ahead of the data the store holds. */
    private long hoursOver(long now) {
        return SqliteRollups.floorHour(Math.min(now - HOUR_SETTLES_MS, newest));
    }

    /** Commits the writer's transaction with what devices said, and tells whoever keeps state of it. */
    private void commit() throws SQLException {
        if (!devices.isEmpty()) {
            SqliteDevices.write(writer, devices.seen(), devices.statuses());
        }
        writer.commit();
        devices.clear();
        rollups.committed();
    }

    /** For tests: the most pages the file may have, as a full disk would set it. */
    synchronized void limitPages(long pages) {
        try (Statement st = writer.createStatement()) {
            st.execute("PRAGMA max_page_count = " + pages);
        } catch (SQLException e) {
            throw new StoreException("cannot limit the store's size: " + e.getMessage(), e);
        }
    }

    /** Rolls the writer's transaction back, and forgets what the writer cached from it. */
    private void rollback() {
        rollups.discard();
        // A rolled-back transaction may have created series rows we cached.
        series.forget();
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
        long rolledUpBefore = rollups.rolledUpBefore();
        return readers.read(c -> SqliteSeriesQuery.answer(c, query, pending, rolledUpBefore));
    }

    /**
     * Rolls up hours that have waited too long for enough readings to move, and every hour the retention is about
     * to drop; then drops raw readings older than the retention period. Their hourly roll-ups stay.
     */
    @Override
    public synchronized void maintain(long now) {
        // Whole hours only, so that every hour before the cutoff is either fully raw or fully sealed.
        long cutoff = SqliteRollups.floorHour(now - rawRetention.toMillis());
        try {
            if (pending.earliest() < cutoff) {
                moveIntoTheTable(); // a journal as old as the retention: its readings go with the rest
            }
            long due = SqliteRollups.floorHour(now) - rollups.rolledUpBefore() > ROLLUP_LAG_MS ? hoursOver(now) : 0;
            rollups.rollUp(Math.max(due, cutoff), pending);
            rollups.dropRawBefore(cutoff);
            commit();
            series.forget();
        } catch (SQLException e) {
            rollback();
            throw new StoreException("dropping readings older than " + rawRetention.toDays() + " days from " + file
                    + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public List<SensorSummary> sensors() {
        return readers.read(c -> SqliteSensors.list(c, pending));
    }

    @Override
    public List<DeviceStatus> devices() {
        PendingDevices.Snapshot heard = devices.snapshot();
        return heard.over(readers.read(SqliteDevices::read));
    }

    @Override
    public void ping() {
        readers.read(c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM series")) {
                return rs.next();
            }
        });
    }

    /** The latest reading time in the table, one seek per series. */
    private long newestStored() throws SQLException {
        try (Statement st = writer.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT max((SELECT max(t) FROM reading WHERE series_id = s.id)) FROM series s")) {
            long newest = rs.next() ? rs.getLong(1) : 0;
            writer.commit();
            return newest;
        }
    }

    /** Moves what waits in the journal into the table, so that the next start has nothing to recover. */
    @Override
    public synchronized void close() {
        try {
            if (journal != null && (!pending.isEmpty() || !devices.isEmpty())) {
                moveIntoTheTable();
            }
        } catch (SQLException e) {
            rollback(); // the journal keeps them: the next start moves them
        }
        try {
            if (journal != null) {
                journal.close();
            }
        } catch (IOException e) {
            // Every record was synced when it was written.
        }
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
