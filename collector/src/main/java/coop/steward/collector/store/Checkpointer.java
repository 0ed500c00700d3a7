package coop.steward.collector.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies committed pages from the write-ahead log into the database file on a thread and connection of its own.
 * Left to the writer (SQLite's automatic checkpoint), every tenth commit or so under load also copied thousands of
 * pages and waited for their fsync, which held up every message queued behind it, and the alerts it raises, by
 * tens of milliseconds.
 * <p>
 * It copies after every {@value #COMMITS_PER_CHECKPOINT} commits, as often as SQLite's own checkpoint did at a small
 * site: a page that many commits change (the newest of each series) is then written to the database file once,
 * not once per commit, which matters to an SD card.
 */
final class Checkpointer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Checkpointer.class);
    /** How often it looks; at most this often it copies. */
    static final long INTERVAL_MS = 250;
    static final int COMMITS_PER_CHECKPOINT = 16;

    private final Connection connection;
    private final ScheduledExecutorService thread;
    private final AtomicInteger commits = new AtomicInteger();
    private String lastFailure;

    private Checkpointer(Connection connection) {
        this.connection = connection;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "steward-store-checkpoint");
            t.setDaemon(true);
            return t;
        });
    }

    static Checkpointer start(Connection connection, Path file) {
        Checkpointer checkpointer = new Checkpointer(connection);
        checkpointer.thread.scheduleWithFixedDelay(() -> checkpointer.checkpoint(file), INTERVAL_MS, INTERVAL_MS,
                TimeUnit.MILLISECONDS);
        return checkpointer;
    }

    /** The writer committed a transaction. */
    void committed() {
        commits.incrementAndGet();
    }

    /** PASSIVE never waits for the writer or readers; what it cannot copy now, the next run copies. */
    private void checkpoint(Path file) {
        if (commits.get() < COMMITS_PER_CHECKPOINT) {
            return;
        }
        commits.set(0);
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
            rs.next();
            lastFailure = null;
        } catch (SQLException | RuntimeException e) {
            // Harmless for the data: the log keeps every page, and the writer's own checkpoints still run.
            if (!String.valueOf(e.getMessage()).equals(lastFailure)) {
                LOG.warn("Background checkpoint of {} failed, will retry: {}", file, e.getMessage());
            }
            lastFailure = String.valueOf(e.getMessage());
        }
    }

    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("The background checkpoint did not finish within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            connection.close();
        } catch (SQLException ignored) {
            // Best effort, like the store's other connections.
        }
    }
}
