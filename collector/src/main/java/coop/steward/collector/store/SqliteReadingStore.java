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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SQLite file of the embedded store ({@link EmbeddedStore} has two) in WAL mode, {@code readings.db}, with one
 * writer connection (SQLite has a single writer) and a few reader connections, which WAL lets run beside the writer;
 * and, for the SD card's sake, {@code readings.journal}.
 *
 * <p>A write is durable when it returns, so that the collector may acknowledge it; how it is made durable depends
 * on its size. Thousands of readings go straight into the {@code reading} table, ordered by series and time, where
 * each changed page is written once for many readings. A few, as a site sends them (one device's message of ten
 * readings a minute), would change a page per series for a handful of bytes each: they are appended to the
 * {@link IngestJournal} instead, one synced record, kept in memory ({@link PendingReadings}) where queries see
 * them, and moved into the table {@value #MOVE_AT} at a time. A move runs on a connection and thread of its own
 * (the {@link JournalMover}), while new readings go to the other journal: a move of 10,000 readings takes tens of
 * milliseconds, and every message (and the alerts it raises) would otherwise wait for it. Once its readings are in,
 * the mover rolls up the hours that are over ({@link SqliteRollups}) from the table (an hour of a busy site is
 * millions of rows); readings of those hours that arrived meanwhile are pending, and the writer folds them in when
 * it finds the move over. Readings late for an hour already rolled up go straight to the table, with their roll-up.
 * What devices' messages and statuses say of them waits in memory for the next write to the table
 * ({@link PendingDevices}).
 *
 * <p>Only one connection writes at a time: the writer starts a move only once the last one is over, and waits for
 * the one under way before anything of its own that writes to the file (a new series, a large write, maintenance),
 * so that it never meets a lock, or a snapshot of the file that a move has made stale.
 *
 * <p>The tables and their versions are {@link SqliteSchema}'s, raw rows go in through {@link SqliteInserts}, and
 * queries are {@link SqliteSeriesQuery}'s, {@link SqliteSensors}' and {@link SqliteDevices}'.
 */
public final class SqliteReadingStore implements ReadingStore {
    /**
     * {@link #readingsPerWrite}. A transaction writes to SQLite's log the page where each series' rows end, full or
     * not: more readings a series a transaction, fewer such pages a reading. In bin/bench's ingest (200 series,
     * docs/reliability.md), 100,000 rather than 50,000 took the collector from 0.86 and 0.84 of the cores' ceiling to
     * 0.90 and 0.92. {@link EmbeddedStore} writes to two at once, each taking up to this many.
     */
    public static final int READINGS_PER_WRITE = 100_000;
    private static final Logger LOG = LoggerFactory.getLogger(SqliteReadingStore.class);
    public static final Duration DEFAULT_RAW_RETENTION = Duration.ofDays(90);
    private static final int READERS = 4;
    /** A write of at least this many readings goes straight into the table. */
    static final int DIRECT_AT = 1_000;
    /** Readings waiting in the journal are moved into the table once there are this many. */
    public static final int MOVE_AT = 40_000;
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
    private final NewestInTable newestInTable = new NewestInTable();
    private final Checkpointer checkpointer;
    private final JournalMover mover;
    /** The journal new readings go to. */
    private IngestJournal journal;
    /** The other journal, empty, while no move is under way; null while its readings move. */
    private IngestJournal spare;
    /** The move under way, or null. */
    private Move move;
    /** The latest reading time the store holds, so that hours are not rolled up ahead of the data. */
    private long newest;

    /**
     * Readings moving into the table from {@code journal} on the mover, with what devices said before it, and the
     * hours {@code [rollUpFrom, rollUpBefore)} it rolls up once they are in.
     */
    private record Move(IngestJournal journal, PendingDevices.Snapshot heard, long rollUpFrom, long rollUpBefore,
                        Future<?> done) {
    }

    private SqliteReadingStore(Path dir, Duration rawRetention, Clock clock, Connection writer, SqliteReaders readers,
                               Checkpointer checkpointer, JournalMover mover) throws SQLException {
        this.dir = dir;
        this.file = dir.resolve(SqliteSchema.FILE);
        this.rawRetention = rawRetention;
        this.clock = clock;
        this.writer = writer;
        this.readers = readers;
        this.series = new SqliteSeries(writer);
        this.rollups = SqliteRollups.load(writer);
        this.checkpointer = checkpointer;
        this.mover = mover;
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
        return open(dir, rawRetention, clock, Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "steward-store-mover");
            t.setDaemon(true);
            return t;
        }));
    }

    /** For tests: moves run on {@code mover}, a single thread, which the store shuts down when it closes. */
    static SqliteReadingStore open(Path dir, Duration rawRetention, Clock clock, ExecutorService mover) {
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
            Connection moving = SqliteSchema.connect(file);
            opened.add(moving);
            SqliteSchema.prepareMover(moving);
            Checkpointer checkpointer = Checkpointer.start(checkpointing, file);
            SqliteReadingStore store;
            try {
                store = new SqliteReadingStore(dir, rawRetention, clock, writer, new SqliteReaders(file, readers),
                        checkpointer, new JournalMover(file, moving, mover));
            } catch (SQLException | RuntimeException e) {
                checkpointer.close(); // its thread would go on copying, on a closed connection, for ever
                throw e;
            }
            try {
                store.recoverJournal();
            } catch (SQLException | IOException | RuntimeException e) {
                store.close();
                throw e;
            }
            return store;
        } catch (SQLException | IOException e) {
            mover.shutdown();
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
            Map<Long, Long> sealedBefore = new HashMap<>();
            try (Statement st = writer.createStatement();
                 ResultSet rs = st.executeQuery("SELECT id, sealed_before FROM series")) {
                while (rs.next()) {
                    sealedBefore.put(rs.getLong(1), rs.getLong(2));
                }
            }
            TableRows rows = new TableRows(entries.size());
            for (IngestJournal.Entry e : entries) {
                // A journal started over keeps its old records until new ones overwrite them: of those, readings
                // that retention has dropped since stay dropped.
                if (e.t() >= sealedBefore.getOrDefault(e.seriesId(), 0L)) {
                    rows.add(e.seriesId(), e.t(), e.value());
                }
            }
            SqliteInserts.insert(writer, rows.ids, rows.times, rows.values, rows.n, (id, t, value) -> { });
            writer.commit();
            newest = Math.max(newest, rows.newest());
        }
        journal = IngestJournal.create(dir, IngestJournal.FILE);
        spare = IngestJournal.create(dir, IngestJournal.SECOND);
    }

    @Override
    public int readingsPerWrite() {
        return READINGS_PER_WRITE;
    }

    @Override
    public synchronized long write(List<DeviceReadings> batches, List<DeviceStatus> statuses) {
        try {
            devices.heard(batches, statuses);
            if (move != null && move.done().isDone()) {
                finishMove();
            }
            TableRows rows = rows(batches);
            boolean late = rows.anyBefore(rollups.rolledUpBefore());
            // Before they are stored, so that a move these start rolls up the hours they complete. Should the write
            // fail, an hour may be rolled up before they come again: they are then late, and folded into it.
            newest = Math.max(newest, rows.newest());
            return rows.n >= DIRECT_AT || late ? intoTheTable(rows) : intoTheJournal(rows);
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
    private TableRows rows(List<DeviceReadings> batches) throws SQLException {
        int total = 0;
        for (DeviceReadings batch : batches) {
            total += batch.readings().size();
        }
        TableRows rows = new TableRows(total);
        boolean anyPending = !pending.isEmpty();
        boolean writingSeries = false;
        for (DeviceReadings batch : batches) {
            SqliteSeries.Device device = series.device(batch.site(), batch.device());
            for (Reading r : batch.readings()) {
                SqliteSeries.Row row = device.stored(r);
                if (row == null) {
                    if (!writingSeries) {
                        finishMove(); // the series table is written to: not beside a move
                        // A write cannot start from the snapshot of lookups made beside the move. Once, not per new
                        // series: each commit is a sync, and a device's first message may name a thousand.
                        writer.commit();
                        writingSeries = true;
                    }
                    row = device.of(r);
                }
                if (r.t() < row.sealedBefore()) {
                    // Its hour is sealed: a replay of it would be counted twice, so late readings are dropped.
                    continue;
                }
                if (!anyPending || !pending.contains(row.id(), r.t())) {
                    rows.add(row.id(), r.t(), r.value());
                }
            }
        }
        return rows;
    }

    private long intoTheTable(TableRows rows) throws SQLException {
        finishMove();
        long inserted = SqliteInserts.insert(writer, rows.ids, rows.times, rows.values, rows.n, rollups::fold);
        rollups.write();
        commit();
        committedNewest(rows);
        return inserted;
    }

    /** Tells {@link NewestInTable} of rows just committed, which the insert sorted into key order. */
    private void committedNewest(TableRows rows) {
        for (int i = 0; i < rows.n; i++) {
            // In key order, a series' last row is its newest.
            if (i + 1 == rows.n || rows.ids[i + 1] != rows.ids[i]) {
                newestInTable.committed(rows.ids[i], rows.times[i]);
            }
        }
    }

    /**
     * Keeps the first copy of each identity the table does not hold, then appends them to the journal, once the
     * series rows they name are committed.
     */
    private long intoTheJournal(TableRows rows) throws SQLException, IOException {
        TableRows fresh = new TableRows(rows.n);
        Set<SeriesPoint> seen = new HashSet<>();
        try (PreparedStatement stored = writer.prepareStatement(
                "SELECT 1 FROM reading WHERE series_id = ? AND t = ?")) {
            for (int i = 0; i < rows.n; i++) {
                if (!seen.add(new SeriesPoint(rows.ids[i], rows.times[i]))) {
                    continue;
                }
                if (rows.times[i] > newestInTable.of(writer, rows.ids[i])) {
                    fresh.add(rows.ids[i], rows.times[i], rows.values[i]);
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
        if (!journal.fits(fresh.n)) {
            // Not before the earliest of these, which are not pending yet: an hour rolled up now would miss them.
            startMove(SqliteRollups.floorHour(fresh.earliest()));
        }
        journal.append(fresh.ids, fresh.times, fresh.values, fresh.n);
        for (int i = 0; i < fresh.n; i++) {
            pending.add(fresh.ids[i], fresh.times[i], fresh.values[i]);
        }
        if (pending.size() >= MOVE_AT && (move == null || move.done().isDone())) {
            // A move still under way (rolling a busy hour up takes seconds) is not waited for: the journal holds
            // four times as many.
            try {
                startMove(Long.MAX_VALUE); // after they are pending: the hours rolled up count them
            } catch (SQLException e) {
                // These readings are durable and pending: the next write tries the move again.
                rollback();
                LOG.warn("Could not start moving journaled readings into {}, will retry: {}", file, e.getMessage());
            }
        }
        return fresh.n;
    }

    private record SeriesPoint(long seriesId, long t) {
    }

    /**
     * Hands the journal's readings, what devices said and the hours now over (before {@code rollUpBefore}) to the
     * mover, and new readings to the other journal.
     */
    private void startMove(long rollUpBefore) throws SQLException {
        finishMove();
        long from = rollups.rolledUpBefore();
        long before = Math.min(rollUpBefore, hoursOver(clock.millis()));
        PendingReadings.Generation moving = pending.startMove();
        PendingDevices.Snapshot heard = devices.snapshot();
        IngestJournal full = journal;
        journal = spare;
        spare = null;
        move = new Move(full, heard, from, before, mover.start(moving, heard, from, before));
    }

    /**
     * Waits for the move under way, if any, and frees its journal. A move the mover could not make (a full disk),
     * the writer makes here; if it fails too, the move stays under way for the next write to try, and this write
     * fails, unacknowledged.
     */
    private void finishMove() throws SQLException {
        if (move == null) {
            return;
        }
        boolean rolledUp;
        try {
            move.done().get();
            rolledUp = true;
        } catch (ExecutionException e) {
            insert(writer, pending.moving());
            SqliteDevices.write(writer, move.heard().seenToWrite(), move.heard().statusesToWrite());
            writer.commit();
            rolledUp = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while readings moved into the table", e);
        }
        PendingReadings.Generation moved = pending.moving();
        for (long id : moved.seriesIds()) {
            newestInTable.committed(id, moved.points(id).lastKey());
        }
        pending.moved();
        devices.written(move.heard());
        spare = move.journal();
        spare.startOver();
        Move done = move;
        move = null;
        if (done.rollUpBefore() > done.rollUpFrom()) {
            if (rolledUp) {
                // The mover rolled these hours up from the table: readings of theirs that arrived meanwhile are
                // pending, and are folded in here, with the mark; they move into the table later, never into roll-ups.
                rollups.advanceTo(done.rollUpBefore());
                for (long id : pending.seriesIds()) {
                    pending.points(id, done.rollUpFrom(), done.rollUpBefore())
                            .forEach((t, value) -> rollups.fold(id, t, value));
                }
                rollups.write();
            } else {
                rollups.rollUp(done.rollUpBefore(), pending);
            }
            writer.commit();
            rollups.committed();
        }
    }

    /** A generation of pending readings into the table, never into roll-ups: each was new when it was journaled. */
    private static void insert(Connection connection, PendingReadings.Generation moving) throws SQLException {
        TableRows rows = TableRows.of(moving);
        SqliteInserts.insert(connection, rows.ids, rows.times, rows.values, rows.n, (id, t, value) -> { });
    }

    /**
     * Moves every pending reading into the table on the writer, in one transaction with what devices said and the
     * hours now complete rolled up; then the journal starts over.
     */
    private void moveIntoTheTable() throws SQLException {
        finishMove();
        TableRows rows = new TableRows(pending.size() + pending.moving().size());
        for (long id : pending.seriesIds()) {
            pending.points(id, Long.MIN_VALUE, Long.MAX_VALUE).forEach((t, value) -> rows.add(id, t, value));
        }
        // Never into roll-ups: each was new when it was journaled, at or after the mark.
        SqliteInserts.insert(writer, rows.ids, rows.times, rows.values, rows.n, (id, t, value) -> { });
        rollups.rollUp(hoursOver(clock.millis()), null);
        commit();
        committedNewest(rows);
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
            PendingDevices.Snapshot heard = devices.snapshot();
            SqliteDevices.write(writer, heard.seenToWrite(), heard.statusesToWrite());
        }
        writer.commit();
        devices.clear();
        rollups.committed();
    }

    /** For tests: the most pages the file may have, as a full disk would set it. */
    synchronized void limitPages(long pages) {
        try (Statement st = writer.createStatement()) {
            finishMove();
            st.execute("PRAGMA max_page_count = " + pages);
            mover.limitPages(pages);
        } catch (SQLException e) {
            throw new StoreException("cannot limit the store's size: " + e.getMessage(), e);
        }
    }

    /** Rolls the writer's transaction back, and forgets what the writer cached from it. */
    private void rollback() {
        rollups.discard();
        // A rolled-back transaction may have created series rows we cached.
        series.forget();
        SqliteSchema.rollBack(writer);
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
            finishMove();
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

    /** A number kept in the file for whoever opens it ({@link EmbeddedStore}: how many files it has), or -1. */
    synchronized long kept(String name) {
        try (PreparedStatement st = writer.prepareStatement("SELECT value FROM meta WHERE name = ?")) {
            st.setString(1, name);
            try (ResultSet rs = st.executeQuery()) {
                long value = rs.next() ? rs.getLong(1) : -1;
                writer.commit();
                return value;
            }
        } catch (SQLException e) {
            rollback();
            throw new StoreException("reading " + name + " from " + file + " failed: " + e.getMessage(), e);
        }
    }

    /** Keeps {@code value} as {@code name} in the file, durably. */
    synchronized void keep(String name, long value) {
        try (PreparedStatement st = writer.prepareStatement(
                "INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)")) {
            st.setString(1, name);
            st.setLong(2, value);
            st.executeUpdate();
            writer.commit();
        } catch (SQLException e) {
            rollback();
            throw new StoreException("writing " + name + " to " + file + " failed: " + e.getMessage(), e);
        }
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
        mover.close();
        for (IngestJournal j : new IngestJournal[] {journal, spare, move == null ? null : move.journal()}) {
            try {
                if (j != null) {
                    j.close();
                }
            } catch (IOException e) {
                // Every record was synced when it was written.
            }
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
