package coop.steward.collector.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a generation of journaled readings into the {@code reading} table on a connection and thread of its own, so
 * that the store's writer goes on meanwhile; then writes what devices said before it, and rolls up the hours now over
 * from the table (an hour of a busy site is millions of rows: read here, not on the writer). What the writer does
 * before and after a move, and when a move fails, is {@link SqliteReadingStore}'s.
 */
final class JournalMover implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JournalMover.class);
    /** Readings a move commits at a time. */
    private static final int MOVE_STEP = 4_000;

    private final Path file;
    private final Connection connection;
    private final ExecutorService thread;

    /** Moves on {@code connection} (set up by {@link SqliteSchema#prepareMover}), one at a time on {@code thread}. */
    JournalMover(Path file, Connection connection, ExecutorService thread) {
        this.file = file;
        this.connection = connection;
        this.thread = thread;
    }

    /**
     * Starts moving {@code moving} into the table, with what devices said ({@code heard}) and the hours
     * {@code [rollUpFrom, rollUpBefore)} rolled up once they are in; the future fails if any of it does, with the
     * connection's transaction rolled back.
     */
    Future<?> start(PendingReadings.Generation moving, PendingDevices.Snapshot heard, long rollUpFrom,
                    long rollUpBefore) {
        return thread.submit(() -> {
            try {
                moveInSteps(moving);
                SqliteDevices.write(connection, heard.seenToWrite(), heard.statusesToWrite());
                connection.commit();
                if (rollUpBefore > rollUpFrom) {
                    SqliteRollups.rollUpFromTable(connection, rollUpFrom, rollUpBefore);
                    connection.commit();
                }
            } catch (SQLException | RuntimeException e) {
                LOG.warn("Moving {} journaled readings into {} failed; the writer moves them: {}", moving.size(),
                        file, e.getMessage());
                SqliteSchema.rollBack(connection);
                throw e;
            }
            return null;
        });
    }

    /**
     * A generation into the table a step at a time, each step committed, so that no commit flushes megabytes at
     * once, which would hold up the journal's sync of every message behind it on the same disk. A crash between
     * steps leaves the journal holding all of them: moving them again changes nothing.
     */
    private void moveInSteps(PendingReadings.Generation moving) throws SQLException {
        TableRows rows = TableRows.of(moving);
        InsertOrder.sortBySeriesAndTime(rows.ids, rows.times, rows.values, rows.n);
        for (int from = 0; from < rows.n; from += MOVE_STEP) {
            int to = Math.min(rows.n, from + MOVE_STEP);
            SqliteInserts.insert(connection, Arrays.copyOfRange(rows.ids, from, to),
                    Arrays.copyOfRange(rows.times, from, to), Arrays.copyOfRange(rows.values, from, to), to - from,
                    (id, t, value) -> { });
            if (to < rows.n) {
                connection.commit();
            }
        }
    }

    /** For tests: the most pages the file may have, as a full disk would set it. Not while a move is under way. */
    void limitPages(long pages) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("PRAGMA max_page_count = " + pages);
        }
        connection.commit(); // so that it holds no snapshot of the file until its next move
    }

    /** Lets a move under way end (for up to 30 s), then closes the connection. */
    @Override
    public void close() {
        thread.shutdown();
        try {
            thread.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            connection.close();
        } catch (SQLException ignored) {
            // not worth reporting on shutdown: SQLite's WAL recovers on the next open
        }
    }
}
