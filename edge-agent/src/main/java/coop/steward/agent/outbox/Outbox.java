package coop.steward.agent.outbox;

import coop.steward.protocol.SeqRange;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Messages waiting for the collector's end-to-end acknowledgement. A message leaves only when its seq is
 * acknowledged on {@code readings/ack}; a broker's PUBACK is not enough. Sending is in seq order, within a window of
 * unconfirmed messages ({@link SendWindow}); a message not confirmed within the ack timeout is sent again.
 *
 * <p>Where a message waits is the agent's write policy, for the SD card's sake: while the broker can be reached, a
 * message is {@linkplain #hold held} in memory, and only what the collector has not confirmed within the hold is
 * {@linkplain #spill written} to {@link SqliteOutbox}, which says what survives what. A collector that confirms
 * promptly thus costs the card no write at all; a power cut loses at most the held messages. While the broker cannot
 * be reached, every message is {@linkplain #add written} before anything else. Seqs are reserved on disk a block at
 * a time, so that they grow across restarts without a write per message.
 *
 * <p>Messages whose readings were taken before the clock was set wait on disk, unsent, until {@link #correctTimes}
 * gives them their real time. Full: the oldest messages on disk are dropped and counted.
 */
public final class Outbox implements AutoCloseable {
    /**
     * Messages sent and not yet confirmed, at most. Mosquitto by default queues 1,000 messages for a subscriber
     * that is slow (plus 20 in flight to it) and drops the rest, so one agent replaying alone never overflows it.
     * 2,000 was not measurably faster with the broker set up as docs/deployment.md says; docs/reliability.md
     * gives the replay rates measured.
     */
    public static final int WINDOW_MESSAGES = 1_000;
    /**
     * Seqs reserved on disk at a time. An agent that flushes every second reserves 86 times a day; a crash leaves
     * at most this many seqs unused, which the collector counts as a gap.
     */
    static final int SEQ_BLOCK = 1_000;
    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);
    private static final long DROP_LOG_EVERY_MS = 60_000;

    /** A message to hand to the broker. */
    public record Entry(long seq, byte[] payload, int readings) {
    }

    /** A message in memory, since {@code heldAt} (monotonic milliseconds). */
    private record Held(Entry entry, long createdMs, long heldAt) {
        SqliteOutbox.Message toDisk() {
            return new SqliteOutbox.Message(entry.seq(), entry.payload(), entry.readings(), createdMs, null, null);
        }
    }

    private final SqliteOutbox store;
    private final SendWindow window;
    private final String name;
    private final TreeMap<Long, Held> held = new TreeMap<>();
    private volatile long heldReadings;
    private volatile int heldMessages;
    private volatile long maxReadings;
    private long nextSeq;
    private long droppedLoggedAt = Long.MIN_VALUE;

    private Outbox(SqliteOutbox store, SendWindow window, String name, long maxReadings) {
        this.store = store;
        this.window = window;
        this.name = name;
        this.maxReadings = maxReadings;
        this.nextSeq = store.reservedSeq() + 1;
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

    /** The seq the next message must carry: it grows across restarts. */
    public synchronized long nextSeq() {
        return nextSeq;
    }

    /**
     * Keeps a message whose readings carry the right time in memory, to be sent: it reaches the disk only if the
     * collector has not confirmed it when {@link #spill} finds it older than the hold.
     *
     * @param now monotonic milliseconds, the clock of {@link #spill}
     */
    public synchronized void hold(long seq, byte[] payload, int readings, long createdMs, long now) {
        take(seq);
        held.put(seq, new Held(new Entry(seq, payload, readings), createdMs, now));
        heldReadings += readings;
        heldMessages = held.size();
    }

    /**
     * Stores a message whose readings carry the right time, after whatever is held (in seq order); it is durable when
     * this returns.
     */
    public synchronized void add(long seq, byte[] payload, int readings, long createdMs) {
        take(seq);
        spillWith(new ArrayList<>(held.values()), new SqliteOutbox.Message(seq, payload, readings, createdMs, null,
                null));
    }

    /**
     * Stores a message of readings taken before the clock was set, after whatever is held; it waits until
     * {@link #correctTimes}.
     *
     * @param monotonicNanos each reading's monotonic time, in the order of the payload's readings
     * @param bootId         the boot those monotonic times count in
     */
    public synchronized void addUntimed(long seq, byte[] payload, long[] monotonicNanos, String bootId,
                                        long createdMs) {
        take(seq);
        spillWith(new ArrayList<>(held.values()), new SqliteOutbox.Message(seq, payload, monotonicNanos.length,
                createdMs, bootId, monotonicNanos));
    }

    /** Uses {@code seq}, reserving a new block on disk first when it is past the one reserved. */
    private void take(long seq) {
        if (seq != nextSeq) {
            throw new IllegalArgumentException("the next message must carry seq " + nextSeq + ", not " + seq);
        }
        if (seq > store.reservedSeq()) {
            store.reserveSeqs(seq + SEQ_BLOCK - 1);
        }
        nextSeq = seq + 1;
    }

    /**
     * Writes the held messages the collector has not confirmed for {@code holdMs} to disk, in one transaction;
     * returns how many. On an {@link OutboxException} they stay held.
     *
     * @param now monotonic milliseconds, as given to {@link #hold}
     */
    public synchronized int spill(long now, long holdMs) {
        List<Held> due = new ArrayList<>();
        for (Held h : held.values()) {
            if (now - h.heldAt() < holdMs) {
                break; // held in seq order, which is the order they were held in
            }
            due.add(h);
        }
        return spillWith(due, null);
    }

    /** Writes every held message to disk: the broker is gone, or the agent stops. */
    public synchronized int spillAll() {
        return spillWith(new ArrayList<>(held.values()), null);
    }

    /** Writes {@code due}, the oldest held messages, and then {@code also} (if not null), in one transaction. */
    private int spillWith(List<Held> due, SqliteOutbox.Message also) {
        List<SqliteOutbox.Message> messages = new ArrayList<>();
        due.forEach(h -> messages.add(h.toDisk()));
        if (also != null) {
            messages.add(also);
        }
        if (messages.isEmpty()) {
            return 0;
        }
        List<Long> droppedSeqs = store.add(messages, maxReadings);
        for (Held h : due) {
            held.remove(h.entry().seq());
            heldReadings -= h.entry().readings();
        }
        heldMessages = held.size();
        dropped(droppedSeqs);
        return due.size();
    }

    private void dropped(List<Long> seqs) {
        if (seqs.isEmpty()) {
            return;
        }
        seqs.forEach(window::forget);
        long now = System.nanoTime() / 1_000_000;
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
        long left = 0;
        List<Long> onDisk = new ArrayList<>();
        for (long seq : window.confirmed(ranges)) {
            Held h = held.remove(seq);
            if (h == null) {
                onDisk.add(seq);
            } else {
                left += h.entry().readings();
                heldReadings -= h.entry().readings();
            }
        }
        heldMessages = held.size();
        return left + store.delete(onDisk);
    }

    /**
     * Marks and returns, in seq order, the messages to send now: those not confirmed within {@code ackTimeoutMs}
     * of their last send, then those not sent yet on this connection while the window has room. At most
     * {@code max}.
     */
    public synchronized List<Entry> due(long now, long ackTimeoutMs, int max) {
        List<Entry> due = new ArrayList<>();
        for (long seq : window.timedOut(now, ackTimeoutMs, max)) {
            Entry message = find(seq);
            if (message == null) {
                window.forget(seq);
            } else {
                due.add(message);
            }
        }
        int room = Math.min(max - due.size(), window.room());
        while (room > 0) {
            List<Entry> next = unsentAfter(window.cursor(), room);
            if (next.isEmpty()) {
                break;
            }
            for (Entry message : next) {
                if (room == 0) {
                    break;
                }
                window.passed(message.seq());
                if (!window.contains(message.seq())) {
                    window.sent(message.seq(), now);
                    due.add(message);
                    room--;
                }
            }
        }
        return due;
    }

    /** The message, held or on disk; null when it is gone or still waits for its times to be corrected. */
    private Entry find(long seq) {
        Held h = held.get(seq);
        if (h != null) {
            return h.entry();
        }
        SqliteOutbox.Stored message = store.get(seq);
        return message == null ? null : new Entry(seq, message.payload(), message.readings());
    }

    /** Up to {@code limit} messages ready to send with seq above {@code afterSeq}, held or on disk, in seq order. */
    private List<Entry> unsentAfter(long afterSeq, int limit) {
        List<Entry> next = new ArrayList<>();
        for (SqliteOutbox.Stored message : store.ready(afterSeq, limit)) {
            next.add(new Entry(message.seq(), message.payload(), message.readings()));
        }
        int fromMemory = 0;
        for (Held h : held.tailMap(afterSeq, false).values()) {
            if (fromMemory++ == limit) {
                break;
            }
            next.add(h.entry());
        }
        next.sort(Comparator.comparingLong(Entry::seq));
        return next.size() > limit ? next.subList(0, limit) : next;
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

    /** Readings kept, held in memory or on disk, including those waiting for the clock. */
    public long readings() {
        return store.readings() + heldReadings;
    }

    public long messages() {
        return store.messages() + heldMessages;
    }

    /** Readings held in memory, not yet on disk. */
    public long heldReadings() {
        return heldReadings;
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

    /**
     * Writes what is still held to disk, then gives back the seqs reserved and not used, so that the next start goes
     * on without a gap.
     */
    @Override
    public synchronized void close() {
        try {
            spillAll();
            if (nextSeq - 1 < store.reservedSeq()) {
                store.reserveSeqs(nextSeq - 1);
            }
        } catch (OutboxException e) {
            LOG.error("{}: {}; {} readings not confirmed by the collector are lost", name, e.getMessage(),
                    heldReadings);
        } finally {
            store.close();
        }
    }
}
