package coop.steward.agent.outbox;

import coop.steward.protocol.SeqRange;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Messages handed to the broker on this connection and not yet confirmed by the collector, in the order they
 * were sent, and a cursor: the highest seq sent for the first time on this connection. Bounded, so that the
 * agent sends only as fast as the collector confirms (a broker drops what it cannot queue). In memory only: after
 * a restart or a reconnection every unconfirmed message is sent again, which the store ignores if it had it.
 *
 * <p>A message is due again when its ack timeout passes, or sooner when a message sent more than
 * {@value #REORDER_MARGIN_MS} ms after it is confirmed first: the broker delivers one client's messages in order
 * and the collector confirms them in order, so the earlier one was dropped on the way (a broker whose queue for
 * the collector is full drops silently). Times are monotonic milliseconds.
 */
final class SendWindow {
    static final long REORDER_MARGIN_MS = 500;
    private static final long PRESUMED_LOST = Long.MIN_VALUE;

    private final int capacity;
    /** seq to when it was last sent, oldest send first. */
    private final LinkedHashMap<Long, Long> sentAt = new LinkedHashMap<>();
    private long cursor = -1;

    SendWindow(int capacity) {
        this.capacity = capacity;
    }

    int room() {
        return Math.max(0, capacity - sentAt.size());
    }

    int size() {
        return sentAt.size();
    }

    long cursor() {
        return cursor;
    }

    boolean contains(long seq) {
        return sentAt.containsKey(seq);
    }

    /** Moves the cursor to {@code seq} (a message looked at for a first send) if it is ahead. */
    void passed(long seq) {
        cursor = Math.max(cursor, seq);
    }

    void sent(long seq, long now) {
        sentAt.remove(seq);
        sentAt.put(seq, now);
    }

    /**
     * Up to {@code max} messages sent at least {@code ackTimeoutMs} ago, oldest first; they count as sent again
     * {@code now}.
     */
    List<Long> timedOut(long now, long ackTimeoutMs, int max) {
        List<Long> due = new ArrayList<>();
        for (Map.Entry<Long, Long> e : sentAt.entrySet()) {
            boolean lost = e.getValue() == PRESUMED_LOST;
            if (due.size() == max || !lost && now - e.getValue() < ackTimeoutMs) {
                break; // in send order: the rest were sent later
            }
            due.add(e.getKey());
        }
        due.forEach(seq -> sent(seq, now));
        return due;
    }

    /**
     * Removes and returns the messages in the window that these ranges confirm; those sent well before the last
     * of them and still unconfirmed are presumed lost, and due at once.
     */
    List<Long> confirmed(List<SeqRange> ranges) {
        List<Long> confirmed = new ArrayList<>();
        long lastSent = PRESUMED_LOST;
        for (Iterator<Map.Entry<Long, Long>> it = sentAt.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Long> e = it.next();
            for (SeqRange range : ranges) {
                if (range.contains(e.getKey())) {
                    confirmed.add(e.getKey());
                    lastSent = Math.max(lastSent, e.getValue());
                    it.remove();
                    break;
                }
            }
        }
        if (lastSent != PRESUMED_LOST) {
            for (Map.Entry<Long, Long> e : sentAt.entrySet()) {
                if (e.getValue() > lastSent - REORDER_MARGIN_MS) {
                    break; // in send order: the rest were sent later
                }
                e.setValue(PRESUMED_LOST);
            }
        }
        return confirmed;
    }

    /** The message never reached the broker or is gone: out of the window, and due again from its seq. */
    void forget(long seq) {
        sentAt.remove(seq);
    }

    /** Messages from {@code seq} on are looked at again for a first send (they became ready, or were not taken). */
    void rewindTo(long seq) {
        cursor = Math.min(cursor, seq - 1);
    }

    /** A new connection: nothing is in flight on it. */
    void reset() {
        sentAt.clear();
        cursor = -1;
    }
}
