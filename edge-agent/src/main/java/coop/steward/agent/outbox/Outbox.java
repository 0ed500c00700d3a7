package coop.steward.agent.outbox;

import coop.steward.protocol.SeqRange;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Messages waiting for the collector's end-to-end acknowledgement. Every message is on disk before it is sent
 * ({@link SqliteOutbox}, which says what survives what) and leaves only when its seq is acknowledged on
 * {@code readings/ack}; a broker's PUBACK is not enough. Sending is in seq order, within a window of unconfirmed
 * messages ({@link SendWindow}); a message not confirmed within the ack timeout is sent again.
 *
 * <p>Messages whose readings were taken before the clock was set wait, unsent, until {@link #correctTimes} gives
 * them their real time. Full: the oldest messages are dropped and counted.
 */
public final class Outbox implements AutoCloseable {
    /**
     * Messages sent and not yet confirmed, at most. Mosquitto by default queues 1,000 messages for a subscriber
     * that is slow (plus 20 in flight to it) and drops the rest, so one agent replaying alone never overflows it.
     * 2,000 was not measurably faster with the broker set up as docs/deployment.md says; docs/reliability.md
     * gives the replay rates measured.
     */
    public static final int WINDOW_MESSAGES = 1_000;
    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);
    private static final long DROP_LOG_EVERY_MS = 60_000;

    /** A message to hand to the broker. */
    public static final class Entry {
        private final long seq;
        private final byte[] payload;
        private final int readings;

        Entry(long seq, byte[] payload, int readings) {
            this.seq = seq;
            this.payload = payload;
            this.readings = readings;
        }

        public long seq() {
            return seq;
        }

        public byte[] payload() {
            return payload;
        }

        public int readings() {
            return readings;
        }
    }

    private final SqliteOutbox store;
    private final SendWindow window;
    private final String name;
    private volatile long maxReadings;
    private long droppedLoggedAt = Long.MIN_VALUE;

    private Outbox(SqliteOutbox store, SendWindow window, String name, long maxReadings) {
        this.store = store;
        this.window = window;
        this.name = name;
        this.maxReadings = maxReadings;
    }

    /**
     * Opens (or creates) the outbox in {@code dir}. Messages waiting for a clock correction from a boot other than
     * {@code bootId} are dropped at once and counted as uncorrectable: their boot is over.
     *
     * @param name the device, as {@code site/device}, for log messages
     */
    public static Outbox open(Path dir, long maxReadings, String bootId, String name) {
        return open(dir, maxReadings, bootId, name, WINDOW_MESSAGES);
    }

    static Outbox open(Path dir, long maxReadings, String bootId, String name, int windowMessages) {
        SqliteOutbox store = SqliteOutbox.open(dir);
        try {
            long lost = store.dropUncorrectable(bootId);
            if (lost > 0) {
                LOG.warn("{}: dropped {} readings taken before the clock was set in an earlier boot: their real "
                        + "time cannot be known (status counts them as 'uncorrectable')", name, lost);
            }
            if (store.readings() > 0) {
                LOG.info("{}: {} readings in {} messages wait in the outbox {}", name, store.readings(),
                        store.messages(), store.file());
            }
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return new Outbox(store, new SendWindow(windowMessages), name, maxReadings);
    }

    /** The seq the next message must carry; persisted, so it grows across restarts. */
    public synchronized long nextSeq() {
        return store.nextSeq();
    }

    /** Stores a message whose readings carry the right time; it is durable when this returns. */
    public synchronized void add(long seq, byte[] payload, int readings, long createdMs) {
        dropped(store.add(seq, payload, readings, createdMs, null, null, maxReadings), createdMs);
    }

    /**
     * Stores a message of readings taken before the clock was set; it waits until {@link #correctTimes}.
     *
     * @param monotonicNanos each reading's monotonic time, in the order of the payload's readings
     * @param bootId         the boot those monotonic times count in
     */
    public synchronized void addUntimed(long seq, byte[] payload, long[] monotonicNanos, String bootId,
                                        long createdMs) {
        dropped(store.add(seq, payload, monotonicNanos.length, createdMs, bootId, monotonicNanos, maxReadings),
                createdMs);
    }

    private void dropped(List<Long> seqs, long now) {
        if (seqs.isEmpty()) {
            return;
        }
        seqs.forEach(window::forget);
        if (droppedLoggedAt == Long.MIN_VALUE || now - droppedLoggedAt >= DROP_LOG_EVERY_MS) {
            droppedLoggedAt = now;
            LOG.warn("{}: the outbox is full ({} readings, storage.maxOutboxReadings); dropping the oldest: {} "
                    + "readings so far (status field 'dropped')", name, maxReadings, store.dropped());
        }
    }

    /**
     * Removes the messages these ranges confirm, among those sent on this connection (an ack for a seq this
     * connection did not send may be stale, from before a restart); returns how many readings left.
     */
    public synchronized long acknowledge(List<SeqRange> ranges) {
        return store.delete(window.confirmed(ranges));
    }

    /**
     * Marks and returns, in seq order, the messages to send now: those not confirmed within {@code ackTimeoutMs}
     * of their last send, then those not sent yet on this connection while the window has room. At most
     * {@code max}.
     */
    public synchronized List<Entry> due(long now, long ackTimeoutMs, int max) {
        List<Entry> due = new ArrayList<>();
        for (long seq : window.timedOut(now, ackTimeoutMs, max)) {
            SqliteOutbox.Stored message = store.get(seq);
            if (message == null) {
                window.forget(seq);
            } else {
                due.add(new Entry(seq, message.payload(), message.readings()));
            }
        }
        int room = Math.min(max - due.size(), window.room());
        while (room > 0) {
            List<SqliteOutbox.Stored> next = store.ready(window.cursor(), room);
            if (next.isEmpty()) {
                break;
            }
            for (SqliteOutbox.Stored message : next) {
                if (room == 0) {
                    break;
                }
                window.passed(message.seq());
                if (!window.contains(message.seq())) {
                    window.sent(message.seq(), now);
                    due.add(new Entry(message.seq(), message.payload(), message.readings()));
                    room--;
                }
            }
        }
        return due;
    }

    /** The broker did not take it: it is due again at the next chance, in its place in seq order. */
    public synchronized void unsent(Entry entry) {
        window.forget(entry.seq());
        window.rewindTo(entry.seq());
    }

    /** A new connection: everything unconfirmed is due again on it. */
    public synchronized void reconnected() {
        window.reset();
    }

    /**
     * Gives up to {@code maxMessages} messages taken earlier in this boot, before the clock was set, their real
     * time ({@code t = wallNow - (monotonicNow - monotonic at sampling)}); they are then due. Returns how many it
     * corrected: call again until 0.
     */
    public synchronized int correctTimes(String bootId, long wallNowMs, long monotonicNowNanos, int maxMessages) {
        SqliteOutbox.Corrected corrected = store.correct(bootId, wallNowMs, monotonicNowNanos, maxMessages);
        if (corrected.messages() > 0) {
            window.rewindTo(corrected.lowestSeq());
        }
        return corrected.messages();
    }

    public void setMaxReadings(long maxReadings) {
        this.maxReadings = maxReadings;
    }

    /** Readings kept, including those waiting for the clock. */
    public long readings() {
        return store.readings();
    }

    public long messages() {
        return store.messages();
    }

    /** Readings waiting for their time to be corrected. */
    public long untimedReadings() {
        return store.untimedReadings();
    }

    /** Readings dropped, oldest first, because the outbox was full; since the outbox was created. */
    public long dropped() {
        return store.dropped();
    }

    /** Readings kept out because their time could not be corrected; since the outbox was created. */
    public long uncorrectable() {
        return store.uncorrectable();
    }

    @Override
    public synchronized void close() {
        store.close();
    }
}
