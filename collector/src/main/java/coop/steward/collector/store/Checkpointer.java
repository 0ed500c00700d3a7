package coop.steward.collector.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.OptionalLong;
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
 * database file once per checkpoint, not once per commit: an SD card sees no more writes than before. How many are
 * not copied it reads from the WAL-index, whose layout SQLite documents for its version 3007000 (unchanged since
 * SQLite 3.7.0); should a later SQLite write another version, it copies every {@value #FALLBACK_MS} ms instead,
 * which keeps the log bounded without trusting offsets it does not know.
 */
final class Checkpointer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Checkpointer.class);
    /** How often it looks; at most this often it copies. */
    static final long INTERVAL_MS = 250;
    /** SQLite's default automatic checkpoint. */
    static final int PAGES_PER_CHECKPOINT = 1_000;
    /** How often it copies when it cannot read the WAL-index. */
    static final long FALLBACK_MS = 60_000;
    /** The WAL-index version of sqlite.org/walformat.html, "WAL-Index Header Format". */
    static final int WAL_INDEX_VERSION = 3_007_000;
    /** The header, twice (a reader that sees the copies differ raced a writer), then the checkpoint information. */
    private static final int HEADER_BYTES = 48;
    private static final int READ_BYTES = 2 * HEADER_BYTES + 4;

    private final Connection connection;
    private final Path file;
    private final Path walIndex;
    private final long fallbackMs;
    private final ScheduledExecutorService thread;
    private String lastFailure;
    private boolean unknownLayoutLogged;
    private long lastCopyNanos = System.nanoTime();

    private Checkpointer(Connection connection, Path file, Path walIndex, long fallbackMs) {
        this.connection = connection;
        this.file = file;
        this.walIndex = walIndex;
        this.fallbackMs = fallbackMs;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "steward-store-checkpoint");
            t.setDaemon(true);
            return t;
        });
    }

    static Checkpointer start(Connection connection, Path file) {
        return start(connection, file, walIndexOf(file), FALLBACK_MS);
    }

    /** For tests: the WAL-index read from {@code walIndex}, and copies every {@code fallbackMs} without one. */
    static Checkpointer start(Connection connection, Path file, Path walIndex, long fallbackMs) {
        Checkpointer checkpointer = new Checkpointer(connection, file, walIndex, fallbackMs);
        checkpointer.thread.scheduleWithFixedDelay(checkpointer::run, INTERVAL_MS, INTERVAL_MS,
                TimeUnit.MILLISECONDS);
        return checkpointer;
    }

    static Path walIndexOf(Path file) {
        return file.resolveSibling(file.getFileName() + "-shm");
    }

    private void run() {
        try {
            if (due()) {
                checkpoint();
                lastCopyNanos = System.nanoTime();
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

    private boolean due() throws IOException {
        OptionalLong notCopied = pagesNotCopied(walIndex);
        if (notCopied.isPresent()) {
            return notCopied.getAsLong() >= PAGES_PER_CHECKPOINT;
        }
        if (!unknownLayoutLogged) {
            LOG.warn("The WAL-index {} is not of the version Steward reads ({}); copying the log every {} s instead",
                    walIndex, WAL_INDEX_VERSION, fallbackMs / 1000);
            unknownLayoutLogged = true;
        }
        return System.nanoTime() - lastCopyNanos >= TimeUnit.MILLISECONDS.toNanos(fallbackMs);
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
     * (sqlite.org/walformat.html), in native byte order: iVersion at byte 0, isInit at byte 12, mxFrame at byte 16,
     * a copy of the 48-byte header at byte 48, nBackfill at byte 96. Empty when the version is not
     * {@value #WAL_INDEX_VERSION}. Zero when there is no log yet, or when the two copies of the header differ: a
     * writer was changing it, and the next look reads it whole.
     */
    static OptionalLong pagesNotCopied(Path walIndex) throws IOException {
        ByteBuffer index = ByteBuffer.allocate(READ_BYTES).order(ByteOrder.nativeOrder());
        try (FileChannel channel = FileChannel.open(walIndex, StandardOpenOption.READ)) {
            while (index.hasRemaining() && channel.read(index, index.position()) > 0) {
                // read until the header is whole
            }
        } catch (NoSuchFileException e) {
            return OptionalLong.of(0);
        }
        if (index.hasRemaining()) {
            return OptionalLong.of(0);
        }
        if (index.getInt(0) != WAL_INDEX_VERSION) {
            return OptionalLong.empty();
        }
        if (index.get(12) == 0 || !index.slice(0, HEADER_BYTES).equals(index.slice(HEADER_BYTES, HEADER_BYTES))) {
            return OptionalLong.of(0);
        }
        long mxFrame = Integer.toUnsignedLong(index.getInt(16));
        long backfilled = Integer.toUnsignedLong(index.getInt(2 * HEADER_BYTES));
        return OptionalLong.of(Math.max(0, mxFrame - backfilled));
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
