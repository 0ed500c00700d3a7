package coop.steward.collector.store;

import coop.steward.protocol.Reading;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The embedded store: one SQLite file in WAL mode. One writer connection (SQLite has a single writer) and a
 * few reader connections, which WAL lets run beside the writer. The tables and their versions are
 * {@link SqliteSchema}'s; raw readings go in through {@link SqliteInserts}, hourly roll-ups and retention are
 * {@link SqliteRollups}', devices {@link SqliteDevices}', and queries {@link SqliteSeriesQuery}'s and
 * {@link SqliteSensors}'.
 */
public final class SqliteReadingStore implements ReadingStore {
    private static final int READERS = 4;
    public static final Duration DEFAULT_RAW_RETENTION = Duration.ofDays(90);

    private final Path file;
    private final Duration rawRetention;
    private final Connection writer;
    private final SqliteReaders readers;
    private final SqliteSeries series;
    private final SqliteRollups rollups;
    private final Checkpointer checkpointer;

    private SqliteReadingStore(Path file, Duration rawRetention, Connection writer, SqliteReaders readers,
                               Checkpointer checkpointer) {
        this.file = file;
        this.rawRetention = rawRetention;
        this.writer = writer;
        this.readers = readers;
        this.series = new SqliteSeries(writer);
        this.rollups = new SqliteRollups(writer);
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
            return new SqliteReadingStore(file, rawRetention, writer, new SqliteReaders(file, readers),
                    Checkpointer.start(checkpointing, file));
        } catch (SQLException e) {
            closeAll(opened);
            throw new StoreException("cannot open the store " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized long write(List<DeviceReadings> batches, List<DeviceStatus> statuses) {
        try {
            long inserted = insertReadings(batches);
            rollups.write();
            SqliteDevices.write(writer, batches, statuses);
            writer.commit();
            return inserted;
        } catch (SQLException e) {
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

    /** Inserts new identities and folds exactly those, not replays, into the hourly roll-ups. */
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
                SqliteSeries.Row row = series.of(new SeriesKey(batch.site(), batch.device(), r.sensor()), r);
                if (r.t() < row.sealedBefore()) {
                    // Its hour is sealed: a replay of it would be counted twice, so late readings are dropped.
                    continue;
                }
                ids[n] = row.id();
                times[n] = r.t();
                values[n] = r.value();
                n++;
            }
        }
        return SqliteInserts.insert(writer, ids, times, values, n, rollups::fold);
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
        return readers.read(c -> SqliteSeriesQuery.answer(c, query));
    }

    /** Drops raw readings older than the retention period; their hourly roll-ups stay. */
    @Override
    public synchronized void maintain(long now) {
        // Whole hours only, so that every hour before the cutoff is either fully raw or fully sealed.
        long cutoff = Math.floorDiv(now - rawRetention.toMillis(), SqliteRollups.HOUR) * SqliteRollups.HOUR;
        try {
            rollups.dropRawBefore(cutoff);
            writer.commit();
            series.forget();
        } catch (SQLException e) {
            rollback();
            throw new StoreException("dropping readings older than " + rawRetention.toDays() + " days from " + file
                    + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public List<SensorSummary> sensors() {
        return readers.read(SqliteSensors::list);
    }

    @Override
    public List<DeviceStatus> devices() {
        return readers.read(SqliteDevices::read);
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
