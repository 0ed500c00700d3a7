package coop.steward.agent.outbox;

import coop.steward.protocol.SeqRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Messages waiting for the collector's end-to-end acknowledgement, in seq order. A message leaves only when
 * its seq is acknowledged on {@code readings/ack}; a broker's PUBACK is not enough.
 */
public final class Outbox {
    /** A message and when it was last handed to the broker (0: never on this connection). */
    public static final class Entry {
        private final long seq;
        private final byte[] payload;
        private final int readings;
        private long sentAt;

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
    }

    private final TreeMap<Long, Entry> entries = new TreeMap<>();
    private long readingCount;

    public synchronized void add(long seq, byte[] payload, int readings) {
        entries.put(seq, new Entry(seq, payload, readings));
        readingCount += readings;
    }

    /** Removes every acknowledged message; returns how many readings left the outbox. */
    public synchronized long acknowledge(List<SeqRange> ranges) {
        long removed = 0;
        for (SeqRange range : ranges) {
            Map<Long, Entry> acked = entries.subMap(range.from(), true, range.to(), true);
            for (Entry e : acked.values()) {
                removed += e.readings;
            }
            acked.clear();
        }
        readingCount -= removed;
        return removed;
    }

    /**
     * Marks and returns, in seq order, the messages to send now: never sent on this connection, or sent longer
     * than {@code ackTimeoutMs} ago without an acknowledgement. At most {@code max}.
     */
    public synchronized List<Entry> due(long now, long ackTimeoutMs, int max) {
        List<Entry> due = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (due.size() == max) {
                break;
            }
            if (e.sentAt == 0 || now - e.sentAt >= ackTimeoutMs) {
                e.sentAt = now;
                due.add(e);
            }
        }
        return due;
    }

    /** The broker did not take it: try again at the next chance. */
    public synchronized void unsent(Entry entry) {
        entry.sentAt = 0;
    }

    public synchronized long readings() {
        return readingCount;
    }

    public synchronized int messages() {
        return entries.size();
    }
}
