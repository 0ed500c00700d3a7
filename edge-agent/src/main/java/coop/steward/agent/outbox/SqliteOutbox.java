package coop.steward.agent.outbox;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The outbox on disk: {@code outbox.db}, one SQLite file in WAL mode in the device's storage folder. It keeps
 * whole messages (seq, the exact payload sent, reading count, creation time), for messages whose readings were
 * taken before the clock was set also the boot id and each reading's monotonic time, and counters: the highest seq
 * reserved (no seq the agent gives out is higher), readings dropped for space and readings whose time could not be
 * corrected. A counter is committed in the same transaction as the change it counts.
 *
 * <p><b>Fsync policy: {@code synchronous=FULL}.</b> Every change is one transaction and its commit returns only
 * after the WAL has been fsync'd, so a message that {@link #add} returned for survives {@code kill -9} (which
 * would need no fsync: the data is in the kernel) and a power cut (which does). Which messages come here at all is
 * {@link Outbox}'s policy: those the collector has not confirmed within the hold, and all of them while the broker
 * cannot be reached. A lost delete would only cost a resend, which the collector's store ignores, so deletes would
 * not need FULL, but they share the connection and are rare.
 *
 * <p>One agent per folder: an OS lock on {@code outbox.lock} is held while the outbox is open, and is released by
 * the kernel when the process dies, even by {@code kill -9}. Not thread-safe: {@link Outbox} serialises calls.
 */
final class SqliteOutbox implements AutoCloseable {
    static final String FILE = "outbox.db";
    private static final String LOCK_FILE = "outbox.lock";
    /** Written with every message by outboxes from before seq reservations; read so that their seq goes on. */
    private static final String LAST_SEQ = "last_seq";
    private static final String SEQ_RESERVED = "seq_reserved";
    private static final String DROPPED = "dropped";
    private static final String UNCORRECTABLE = "uncorrectable";

    /** A message as stored; {@code payload} is what goes on the wire. */
    record Stored(long seq, byte[] payload, int readings) {
    }

    /**
     * A message to store.
     *
     * @param bootId         null when the readings' times are right; else the boot their monotonic times count in
     * @param monotonicNanos each reading's monotonic time, when {@code bootId} is given
     */
    record Message(long seq, byte[] payload, int readings, long createdMs, String bootId, long[] monotonicNanos) {
    }

    /** A message that may be dropped for space. */
    private record Oldest(long seq, int readings, boolean untimed) {
    }

    /** What {@link #correct} did: messages whose times it corrected, and the lowest seq among them. */
    record Corrected(int messages, long readings, long lowestSeq) {
    }

    private final Path file;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Connection db;
    /** The highest seq of any message ever stored here, so that none is stored twice. */
    private long lastStoredSeq;
    /** The highest seq the agent may have given out: reserved, or stored before reservations existed. */
    private long reservedSeq;
    private volatile long readings;
    private volatile long untimedReadings;
    private volatile long messages;
    private volatile long dropped;
    private volatile long uncorrectable;

    private SqliteOutbox(Path file, FileChannel lockChannel, FileLock lock, Connection db) {
        this.file = file;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.db = db;
    }

    static SqliteOutbox open(Path dir) {
        FileChannel channel = null;
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = tryLock(channel);
            if (lock == null) {
                throw new OutboxException("another agent is running with the storage folder " + dir
                        + ": give each device its own storage.dir", null);
            }
            Path file = dir.resolve(FILE);
            Connection db = DriverManager.getConnection("jdbc:sqlite:" + file);
            SqliteOutbox outbox = new SqliteOutbox(file, channel, lock, db);
            outbox.prepare();
            return outbox;
        } catch (IOException | SQLException e) {
            closeQuietly(channel);
            throw new OutboxException("cannot open the outbox in " + dir + " (" + e.getMessage()
                    + "): check that the folder is on a working, writable disk", e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null; // held by this very process
        }
    }

    private void prepare() throws SQLException {
        try (Statement s = db.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA synchronous=FULL");
            s.execute("PRAGMA busy_timeout=5000");
            s.execute("""
                    CREATE TABLE IF NOT EXISTS message (
                      seq INTEGER PRIMARY KEY,
                      payload BLOB NOT NULL,
                      readings INTEGER NOT NULL,
                      created_ms INTEGER NOT NULL,
                      boot_id TEXT,
                      monotonic_ns BLOB
                    )""");
            s.execute("CREATE INDEX IF NOT EXISTS message_untimed ON message(boot_id) WHERE boot_id IS NOT NULL");
            s.execute("CREATE TABLE IF NOT EXISTS counter (name TEXT PRIMARY KEY, value INTEGER NOT NULL)");
            long maxSeq = -1;
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*), COALESCE(SUM(readings), 0), "
                    + "COALESCE(SUM(CASE WHEN boot_id IS NOT NULL THEN readings ELSE 0 END), 0), "
                    + "COALESCE(MAX(seq), -1) FROM message")) {
                rs.next();
                messages = rs.getLong(1);
                readings = rs.getLong(2);
                untimedReadings = rs.getLong(3);
                maxSeq = rs.getLong(4);
            }
            lastStoredSeq = Math.max(maxSeq, counter(LAST_SEQ, -1));
            reservedSeq = Math.max(lastStoredSeq, counter(SEQ_RESERVED, -1));
            dropped = counter(DROPPED, 0);
            uncorrectable = counter(UNCORRECTABLE, 0);
        }
    }

    Path file() {
        return file;
    }

    /** {@code PRAGMA synchronous} of this connection: 2 is FULL. */
    int synchronousMode() {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("PRAGMA synchronous")) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            throw failure("read", e);
        }
    }

    /**
     * The highest seq that may have been given out before this outbox was opened: what was reserved, used or not (a
     * crash forgets which), so the next message must carry a higher one.
     */
    long reservedSeq() {
        return reservedSeq;
    }

    /**
     * Durably reserves every seq up to {@code upTo}; after a crash the agent goes on above it. One small transaction
     * per block of seqs, instead of a counter written with every message.
     */
    void reserveSeqs(long upTo) {
        transaction(() -> {
            setCounter(SEQ_RESERVED, upTo);
            return new Commit<>(null, () -> reservedSeq = upTo);
        });
    }

    /**
     * Stores messages durably, in one transaction and in seq order, and, when the outbox then holds more than
     * {@code maxReadings}, drops the oldest messages (never these) until it does not, counting their readings.
     * Returns the seqs dropped.
     */
    List<Long> add(List<Message> added, long maxReadings) {
        if (added.isEmpty()) {
            return List.of();
        }
        long first = added.get(0).seq();
        if (first <= lastStoredSeq) {
            throw new IllegalArgumentException("seq " + first + " was already stored; the last stored is "
                    + lastStoredSeq);
        }
        return transaction(() -> {
            long count = 0;
            long untimedCount = 0;
            try (PreparedStatement insert = db.prepareStatement("INSERT INTO message "
                    + "(seq, payload, readings, created_ms, boot_id, monotonic_ns) VALUES (?, ?, ?, ?, ?, ?)")) {
                for (Message m : added) {
                    insert.setLong(1, m.seq());
                    insert.setBytes(2, m.payload());
                    insert.setInt(3, m.readings());
                    insert.setLong(4, m.createdMs());
                    insert.setString(5, m.bootId());
                    insert.setBytes(6, m.bootId() == null ? null : TimeCorrection.pack(m.monotonicNanos()));
                    insert.executeUpdate();
                    count += m.readings();
                    untimedCount += m.bootId() == null ? 0 : m.readings();
                }
            }
            long last = added.get(added.size() - 1).seq();
            Space space = makeRoom(readings + count, untimedReadings + untimedCount, first, maxReadings);
            long kept = messages + added.size() - space.seqs().size();
            return new Commit<>(space.seqs(), () -> {
                lastStoredSeq = last;
                readings = space.readings();
                untimedReadings = space.untimed();
                messages = kept;
                dropped += space.dropped();
            });
        });
    }

    /** What dropping for space left: the outbox's readings and untimed readings, and what it dropped. */
    private record Space(long readings, long untimed, long dropped, List<Long> seqs) {
    }

    /** Within a transaction: drops the oldest messages before {@code before} until at most {@code max} readings stay. */
    private Space makeRoom(long total, long untimed, long before, long max) throws SQLException {
        List<Long> droppedSeqs = new ArrayList<>();
        long droppedNow = 0;
        if (total <= max) {
            return new Space(total, untimed, 0, droppedSeqs);
        }
        try (PreparedStatement oldest = db.prepareStatement("SELECT seq, readings, boot_id IS NOT NULL "
                + "FROM message WHERE seq > ? AND seq < ? ORDER BY seq LIMIT 1000");
             PreparedStatement delete = db.prepareStatement("DELETE FROM message WHERE seq = ?")) {
            long after = -1;
            boolean more = true;
            while (total > max && more) {
                oldest.setLong(1, after);
                oldest.setLong(2, before);
                List<Oldest> candidates = new ArrayList<>();
                try (ResultSet rs = oldest.executeQuery()) {
                    while (rs.next()) {
                        candidates.add(new Oldest(rs.getLong(1), rs.getInt(2), rs.getBoolean(3)));
                    }
                }
                more = !candidates.isEmpty();
                for (Oldest c : candidates) {
                    if (total <= max) {
                        break;
                    }
                    delete.setLong(1, c.seq());
                    delete.executeUpdate();
                    droppedSeqs.add(c.seq());
                    total -= c.readings();
                    untimed -= c.untimed() ? c.readings() : 0;
                    droppedNow += c.readings();
                    after = c.seq();
                }
            }
        }
        setCounter(DROPPED, dropped + droppedNow);
        return new Space(total, untimed, droppedNow, droppedSeqs);
    }

    /** Up to {@code limit} messages ready to send (their times are right), with seq above {@code afterSeq}. */
    List<Stored> ready(long afterSeq, int limit) {
        try (PreparedStatement select = db.prepareStatement("SELECT seq, payload, readings FROM message "
                + "WHERE seq > ? AND boot_id IS NULL ORDER BY seq LIMIT ?")) {
            select.setLong(1, afterSeq);
            select.setInt(2, limit);
            List<Stored> ready = new ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    ready.add(new Stored(rs.getLong(1), rs.getBytes(2), rs.getInt(3)));
                }
            }
            return ready;
        } catch (SQLException e) {
            throw failure("read", e);
        }
    }

    /** The message, or null when it is gone or still waits for its times to be corrected. */
    Stored get(long seq) {
        try (PreparedStatement select = db.prepareStatement(
                "SELECT payload, readings FROM message WHERE seq = ? AND boot_id IS NULL")) {
            select.setLong(1, seq);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? new Stored(seq, rs.getBytes(1), rs.getInt(2)) : null;
            }
        } catch (SQLException e) {
            throw failure("read", e);
        }
    }

    /** Deletes these messages (those still here and ready); returns how many readings left. */
    long delete(Collection<Long> seqs) {
        if (seqs.isEmpty()) {
            return 0;
        }
        return transaction(() -> {
            long removed = 0;
            long removedMessages = 0;
            try (PreparedStatement select = db.prepareStatement(
                    "SELECT readings FROM message WHERE seq = ? AND boot_id IS NULL");
                 PreparedStatement delete = db.prepareStatement("DELETE FROM message WHERE seq = ?")) {
                for (long seq : seqs) {
                    select.setLong(1, seq);
                    try (ResultSet rs = select.executeQuery()) {
                        if (!rs.next()) {
                            continue;
                        }
                        removed += rs.getInt(1);
                    }
                    delete.setLong(1, seq);
                    delete.executeUpdate();
                    removedMessages++;
                }
            }
            long n = removed;
            long m = removedMessages;
            return new Commit<>(n, () -> {
                readings -= n;
                messages -= m;
            });
        });
    }

    /**
     * Sets the right time on up to {@code maxMessages} messages taken earlier in this boot, now that the clock is
     * set: {@code t = wallNow - (monotonicNow - monotonic at sampling)}. They become ready to send.
     */
    Corrected correct(String bootId, long wallNowMs, long monotonicNowNanos, int maxMessages) {
        return transaction(() -> {
            int corrected = 0;
            long correctedReadings = 0;
            long lowest = Long.MAX_VALUE;
            long lost = 0;
            long lostMessages = 0;
            try (PreparedStatement select = db.prepareStatement("SELECT seq, payload, readings, monotonic_ns "
                    + "FROM message WHERE boot_id = ? ORDER BY seq LIMIT ?");
                 PreparedStatement update = db.prepareStatement(
                         "UPDATE message SET payload = ?, boot_id = NULL, monotonic_ns = NULL WHERE seq = ?");
                 PreparedStatement delete = db.prepareStatement("DELETE FROM message WHERE seq = ?")) {
                select.setString(1, bootId);
                select.setInt(2, maxMessages);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        long seq = rs.getLong(1);
                        int count = rs.getInt(3);
                        byte[] fixed = TimeCorrection.apply(rs.getBytes(2), TimeCorrection.unpack(rs.getBytes(4)),
                                wallNowMs, monotonicNowNanos);
                        if (fixed == null) {
                            delete.setLong(1, seq);
                            delete.executeUpdate();
                            lost += count;
                            lostMessages++;
                            continue;
                        }
                        update.setBytes(1, fixed);
                        update.setLong(2, seq);
                        update.executeUpdate();
                        corrected++;
                        correctedReadings += count;
                        lowest = Math.min(lowest, seq);
                    }
                }
            }
            if (lost > 0) {
                setCounter(UNCORRECTABLE, uncorrectable + lost);
            }
            long untimedLeft = untimedReadings - correctedReadings - lost;
            long lostReadings = lost;
            long lostCount = lostMessages;
            return new Commit<>(new Corrected(corrected, correctedReadings, lowest), () -> {
                untimedReadings = untimedLeft;
                readings -= lostReadings;
                messages -= lostCount;
                uncorrectable += lostReadings;
            });
        });
    }

    /**
     * Removes messages taken before the clock was set in another boot than {@code bootId}: their monotonic times
     * count from a boot that is over, so their real time cannot be known. Counts their readings as uncorrectable
     * and returns how many.
     */
    long dropUncorrectable(String bootId) {
        return transaction(() -> {
            long lost;
            long lostMessages;
            try (PreparedStatement count = db.prepareStatement("SELECT COUNT(*), COALESCE(SUM(readings), 0) "
                    + "FROM message WHERE boot_id IS NOT NULL AND boot_id <> ?");
                 PreparedStatement delete = db.prepareStatement(
                         "DELETE FROM message WHERE boot_id IS NOT NULL AND boot_id <> ?")) {
                count.setString(1, bootId);
                try (ResultSet rs = count.executeQuery()) {
                    rs.next();
                    lostMessages = rs.getLong(1);
                    lost = rs.getLong(2);
                }
                if (lost == 0) {
                    return new Commit<>(0L, () -> { });
                }
                delete.setString(1, bootId);
                delete.executeUpdate();
            }
            setCounter(UNCORRECTABLE, uncorrectable + lost);
            long n = lost;
            long m = lostMessages;
            return new Commit<>(n, () -> {
                readings -= n;
                untimedReadings -= n;
                messages -= m;
                uncorrectable += n;
            });
        });
    }

    long readings() {
        return readings;
    }

    long untimedReadings() {
        return untimedReadings;
    }

    long messages() {
        return messages;
    }

    long dropped() {
        return dropped;
    }

    long uncorrectable() {
        return uncorrectable;
    }

    @Override
    public void close() {
        try {
            db.close();
        } catch (SQLException e) {
            // Nothing is lost: every change was committed when it was made.
        }
        try {
            lock.release();
        } catch (IOException e) {
            // The channel's close below releases it too.
        }
        closeQuietly(lockChannel);
    }

    private long counter(String name, long fallback) throws SQLException {
        try (PreparedStatement select = db.prepareStatement("SELECT value FROM counter WHERE name = ?")) {
            select.setString(1, name);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? rs.getLong(1) : fallback;
            }
        }
    }

    private void setCounter(String name, long value) throws SQLException {
        try (PreparedStatement upsert = db.prepareStatement("INSERT INTO counter (name, value) VALUES (?, ?) "
                + "ON CONFLICT (name) DO UPDATE SET value = excluded.value")) {
            upsert.setString(1, name);
            upsert.setLong(2, value);
            upsert.executeUpdate();
        }
    }

    /** A transaction's result and the in-memory bookkeeping to do once it is committed. */
    private record Commit<T>(T result, Runnable afterCommit) {
    }

    private interface Work<T> {
        Commit<T> run() throws SQLException;
    }

    private <T> T transaction(Work<T> work) {
        try {
            db.setAutoCommit(false);
            try {
                Commit<T> commit = work.run();
                db.commit();
                commit.afterCommit().run();
                return commit.result();
            } catch (SQLException | RuntimeException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw failure("write", e);
        }
    }

    private OutboxException failure(String what, SQLException e) {
        return new OutboxException("cannot " + what + " the outbox " + file + " (" + e.getMessage()
                + "): check that the disk is not full or read-only", e);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // Only a lock file.
            }
        }
    }
}
