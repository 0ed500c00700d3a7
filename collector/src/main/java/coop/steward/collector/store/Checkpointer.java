package coop.steward.collector.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies committed pages from the write-ahead log into the database file on a thread and connection of its own.
 * Left to the writer (SQLite's automatic checkpoint), every tenth commit or so under load also copied thousands of
 * pages and waited for their fsync, which held up every message queued behind it, and the alerts it raises, by
 * tens of milliseconds.
 * <p>
 * It copies at the point SQLite's own checkpoint did, once {@value #PAGES_PER_CHECKPOINT} pages of the log are not
 * yet in the database file, so a page that many commits change (the newest of each series) still reaches the
 * database file once per checkpoint, not once per commit: an SD card sees no more writes than before.
 */
final class Checkpointer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Checkpointer.class);
    /** How often it looks; at most this often it copies. */
    static final long INTERVAL_MS = 250;
    /** SQLite's default automatic checkpoint. */
    static final int PAGES_PER_CHECKPOINT = 1_000;

    private final Connection connection;
    private final Path file;
    private final Path walIndex;
    private final ScheduledExecutorService thread;
    private String lastFailure;

    private Checkpointer(Connection connection, Path file) {
        this.connection = connection;
        this.file = file;
        this.walIndex = file.resolveSibling(file.getFileName() + "-shm");
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "steward-store-checkpoint");
            t.setDaemon(true);
            return t;
        });
    }

    static Checkpointer start(Connection connection, Path file) {
        Checkpointer checkpointer = new Checkpointer(connection, file);
        checkpointer.thread.scheduleWithFixedDelay(checkpointer::run, INTERVAL_MS, INTERVAL_MS,
                TimeUnit.MILLISECONDS);
        return checkpointer;
    }

    private void run() {
        try {
            if (pagesNotCopied() >= PAGES_PER_CHECKPOINT) {
                checkpoint();
            }
            lastFailure = null;
        } catch (Exception | Error e) {
            // Harmless for the data: the log keeps every page, and the writer's own checkpoint bounds it. Caught
            // whole, because a task that throws is never scheduled again.
            if (!String.valueOf(e.getMessage()).equals(lastFailure)) {
                LOG.warn("Background checkpoint of {} failed, will retry: {}", file, e.getMessage());
            }
            lastFailure = String.valueOf(e.getMessage());
        }
    }

    /** PASSIVE never waits for the writer or readers; what it cannot copy now, the next run copies. */
    private void checkpoint() throws SQLException {
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
            rs.next();
        }
    }

    /**
     * Frames in the log not yet copied, from the WAL-index header that SQLite documents in "WAL-mode File Formats"
     * (sqlite.org/walformat.html): mxFrame at byte 16, nBackfill at byte 96, native byte order. A read that races a
     * writer may be off by a commit, which only moves a checkpoint by one look.
     */
    private long pagesNotCopied() throws IOException {
        ByteBuffer header = ByteBuffer.allocate(100).order(ByteOrder.nativeOrder());
        try (FileChannel channel = FileChannel.open(walIndex, StandardOpenOption.READ)) {
            while (header.hasRemaining() && channel.read(header, header.position()) > 0) {
                // read until the header is whole
            }
        }
        if (header.hasRemaining()) {
            return 0;
        }
        long mxFrame = Integer.toUnsignedLong(header.getInt(16));
        long backfilled = Integer.toUnsignedLong(header.getInt(96));
        return Math.max(0, mxFrame - backfilled);
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
