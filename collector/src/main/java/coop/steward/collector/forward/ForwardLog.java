package coop.steward.collector.forward;

import coop.steward.collector.store.SeriesKey;
import coop.steward.collector.store.StoreException;
import coop.steward.protocol.SeqRange;
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
import java.util.function.BiPredicate;

/**
 * {@code forward.db}: the site's shared messages that its hub has not confirmed within the {@link Forwarder}'s hold,
 * in the order they were written: the durable position forwarding starts from after an outage or a crash, not the
 * broker's memory, which a restart or a full queue empties. A message leaves only when the hub acknowledges its seq
 * on {@code readings/ack}, after its own commit.
 *
 * <p>Each device has its own seqs, which grow across restarts: a confirmation for a message sent before a restart
 * must never remove a newer one. Blocking, and safe from any thread; the forwarder's worker uses it.
 */
public final class ForwardLog implements AutoCloseable {
    static final String FILE = "forward.db";
    /**
     * Readings per forwarded message at most: 500 readings of the longest ids the contract allows stay well under
     * its 256 KiB.
     */
    static final int READINGS_PER_MESSAGE = 500;
    private static final String SCHEMA = """
            CREATE TABLE IF NOT EXISTS message (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              site TEXT NOT NULL, device TEXT NOT NULL, seq INTEGER NOT NULL,
              received INTEGER NOT NULL, readings INTEGER NOT NULL, payload BLOB NOT NULL);
            CREATE INDEX IF NOT EXISTS message_seq ON message (site, device, seq);
            CREATE TABLE IF NOT EXISTS summary_mark (
              site TEXT NOT NULL, device TEXT NOT NULL, sensor TEXT NOT NULL, upto INTEGER NOT NULL,
              PRIMARY KEY (site, device, sensor)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS device_seq (
              site TEXT NOT NULL, device TEXT NOT NULL, last INTEGER NOT NULL,
              PRIMARY KEY (site, device)) WITHOUT ROWID;
            """;

    /** One message to send: {@code received} is when the site collector received its readings. */
    record Message(long id, String site, String device, long seq, long received, int readings, byte[] payload) {
    }

    /** What waits for one site's hub. */
    record Waiting(long messages, long readings, Long oldest) {
        static final Waiting NONE = new Waiting(0, 0, null);
    }

    private record Device(String site, String device) {
    }

    private final Path file;
    private final Connection db;
    private final Map<Device, Long> lastSeq = new HashMap<>();
    private boolean closed;

    private ForwardLog(Path file, Connection db) {
        this.file = file;
        this.db = db;
    }

    /** Opens (or creates) {@value #FILE} in the data folder; throws {@link StoreException} saying why it cannot. */
    public static ForwardLog open(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        Connection db = null;
        try {
            Files.createDirectories(dataDir);
            db = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement st = db.createStatement()) {
                st.execute("PRAGMA journal_mode=WAL");
                // FULL: the readings are acknowledged to their agents once appended; a power cut must keep them.
                st.execute("PRAGMA synchronous=FULL");
                st.execute("PRAGMA busy_timeout=10000");
                for (String ddl : SCHEMA.split(";")) {
                    if (!ddl.isBlank()) {
                        st.execute(ddl);
                    }
                }
            }
            db.setAutoCommit(false);
            ForwardLog log = new ForwardLog(file, db);
            log.loadSeqs();
            return log;
        } catch (IOException | SQLException e) {
            if (db != null) {
                try {
                    db.close();
                } catch (SQLException ignored) {
                    // failing already
                }
            }
            throw new StoreException("cannot open the forwarding log " + file + " (" + e.getMessage() + "); check "
                    + "that the data folder is writable", e);
        }
    }

    private void loadSeqs() throws SQLException {
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT site, device, last FROM device_seq")) {
            while (rs.next()) {
                lastSeq.put(new Device(rs.getString(1), rs.getString(2)), rs.getLong(3));
            }
        }
        db.commit();
    }

    /** One message to keep until the hub confirms it: its seq is the device's, its payload the message sent. */
    record Entry(String site, String device, long seq, long received, int readings, byte[] payload) {
    }

    /**
     * Seqs given to the device so far: the next message takes a larger one. They are set aside on disk a block at a
     * time ({@link #reserve}), so that they grow across restarts without a write per message.
     */
    synchronized long reservedSeq(String site, String device) {
        return lastSeq.getOrDefault(new Device(site, device), -1L);
    }

    /** Sets seqs up to {@code upTo} aside for the device, durably. */
    synchronized void reserve(String site, String device, long upTo) {
        try (PreparedStatement seq = db.prepareStatement("INSERT INTO device_seq (site, device, last) VALUES (?, ?, ?) "
                + "ON CONFLICT (site, device) DO UPDATE SET last = max(last, excluded.last)")) {
            seq.setString(1, site);
            seq.setString(2, device);
            seq.setLong(3, upTo);
            seq.executeUpdate();
            db.commit();
            lastSeq.merge(new Device(site, device), upTo, Math::max);
        } catch (SQLException e) {
            throw updateFailed(e);
        }
    }

    /** Every device's reserved seqs (see {@link #reservedSeq}). */
    synchronized Map<String, Map<String, Long>> reservations() {
        Map<String, Map<String, Long>> sites = new HashMap<>();
        lastSeq.forEach((d, seq) -> sites.computeIfAbsent(d.site(), s -> new HashMap<>()).put(d.device(), seq));
        return sites;
    }

    /** For each series shared as hourly summaries: the hour before which every hour's summary is in the log. */
    synchronized Map<SeriesKey, Long> summaryMarks() {
        return query(() -> {
            Map<SeriesKey, Long> marks = new HashMap<>();
            try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(
                    "SELECT site, device, sensor, upto FROM summary_mark")) {
                while (rs.next()) {
                    marks.put(new SeriesKey(rs.getString(1), rs.getString(2), rs.getString(3)), rs.getLong(4));
                }
            }
            return marks;
        });
    }

    /** Appends hourly summaries and moves their series' marks past them, in one transaction. */
    synchronized void appendSummaries(List<Entry> entries, Map<SeriesKey, Long> marks) {
        try (PreparedStatement mark = db.prepareStatement("INSERT INTO summary_mark (site, device, sensor, upto) "
                + "VALUES (?, ?, ?, ?) ON CONFLICT (site, device, sensor) DO UPDATE SET upto = excluded.upto")) {
            for (Map.Entry<SeriesKey, Long> m : marks.entrySet()) {
                mark.setString(1, m.getKey().site());
                mark.setString(2, m.getKey().device());
                mark.setString(3, m.getKey().sensor());
                mark.setLong(4, m.getValue());
                mark.addBatch();
            }
            mark.executeBatch();
            insert(entries);
            db.commit();
        } catch (SQLException e) {
            throw updateFailed(e);
        }
    }

    /** Appends the messages; durable when this returns. All or none. */
    synchronized void append(List<Entry> entries) {
        try {
            insert(entries);
            db.commit();
        } catch (SQLException e) {
            rollback(e);
            throw new StoreException("cannot write to the forwarding log " + file + " (" + e.getMessage() + ")", e);
        }
    }

    private void insert(List<Entry> entries) throws SQLException {
        try (PreparedStatement insert = db.prepareStatement("INSERT INTO message (site, device, seq, received, "
                + "readings, payload) VALUES (?, ?, ?, ?, ?, ?)")) {
            for (Entry e : entries) {
                insert.setString(1, e.site());
                insert.setString(2, e.device());
                insert.setLong(3, e.seq());
                insert.setLong(4, e.received());
                insert.setInt(5, e.readings());
                insert.setBytes(6, e.payload());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** The id of the newest message, 0 when none ever was. */
    synchronized long lastId() {
        return query(() -> {
            try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(
                    "SELECT coalesce(max(id), 0) FROM message")) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        });
    }

    /** Up to {@code limit} messages with ids in {@code (after, upTo]}, oldest first. */
    synchronized List<Message> between(long after, long upTo, int limit) {
        return query(() -> {
            List<Message> messages = new ArrayList<>();
            try (PreparedStatement st = db.prepareStatement("SELECT id, site, device, seq, received, readings, "
                    + "payload FROM message WHERE id > ? AND id <= ? ORDER BY id LIMIT ?")) {
                st.setLong(1, after);
                st.setLong(2, upTo);
                st.setInt(3, limit);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        messages.add(new Message(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                                rs.getLong(5), rs.getInt(6), rs.getBytes(7)));
                    }
                }
            }
            return messages;
        });
    }

    /** The hub confirmed these seqs of one device: their messages leave. Returns how many left. */
    synchronized int confirmed(String site, String device, List<SeqRange> ranges) {
        try (PreparedStatement st = db.prepareStatement("DELETE FROM message WHERE site = ? AND device = ? AND seq "
                + "BETWEEN ? AND ?")) {
            for (SeqRange range : ranges) {
                st.setString(1, site);
                st.setString(2, device);
                st.setLong(3, range.from());
                st.setLong(4, range.to());
                st.addBatch();
            }
            return (int) commitDeletes(st);
        } catch (SQLException e) {
            throw updateFailed(e);
        }
    }

    /** Drops the messages of every device that {@code shared} no longer admits: the site stopped sharing them. */
    public synchronized long dropUnshared(BiPredicate<String, String> shared) {
        try (PreparedStatement st = db.prepareStatement("DELETE FROM message WHERE site = ? AND device = ?")) {
            for (Device device : lastSeq.keySet()) {
                if (!shared.test(device.site(), device.device())) {
                    st.setString(1, device.site());
                    st.setString(2, device.device());
                    st.addBatch();
                }
            }
            return commitDeletes(st);
        } catch (SQLException e) {
            throw updateFailed(e);
        }
    }

    private long commitDeletes(PreparedStatement batch) throws SQLException {
        long deleted = 0;
        for (int n : batch.executeBatch()) {
            deleted += Math.max(0, n);
        }
        db.commit();
        return deleted;
    }

    private StoreException updateFailed(SQLException e) {
        rollback(e);
        return new StoreException("cannot update the forwarding log " + file + " (" + e.getMessage() + ")", e);
    }

    /** What waits, per site; every site ever forwarded is named, with nothing waiting where nothing does. */
    synchronized Map<String, Waiting> waiting() {
        return query(() -> {
            Map<String, Waiting> sites = new HashMap<>();
            lastSeq.keySet().forEach(d -> sites.put(d.site(), Waiting.NONE));
            try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT site, count(*), "
                    + "sum(readings), min(received) FROM message GROUP BY site")) {
                while (rs.next()) {
                    sites.put(rs.getString(1), new Waiting(rs.getLong(2), rs.getLong(3), rs.getLong(4)));
                }
            }
            return sites;
        });
    }

    private interface Read<T> {
        T run() throws SQLException;
    }

    private <T> T query(Read<T> read) {
        try {
            T result = read.run();
            db.commit(); // ends the read transaction, so that the log's checkpoints are not held back
            return result;
        } catch (SQLException e) {
            rollback(e);
            throw new StoreException("cannot read the forwarding log " + file + " (" + e.getMessage() + ")", e);
        }
    }

    private void rollback(SQLException cause) {
        try {
            db.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            db.close();
        } catch (SQLException e) {
            // closing anyway
        }
    }
}
