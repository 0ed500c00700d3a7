package coop.steward.collector.ingest;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The acknowledgements (PUBACK) of one connection's QoS 1 messages, sent in the order the broker sent the messages.
 * Mosquitto 2.0 finds the message an acknowledgement names by walking the client's in-flight list from its oldest,
 * so one that overtakes thousands of older messages costs it thousands of steps. A hub group's collectors overtook
 * all the time: relays and the group's other messages are acknowledged at once, readings only after their commit.
 * In the hub benchmark with two collectors that walk took 59 % of the broker's CPU (perf), the broker became the
 * bottleneck, and agents' resends piled on. A message left unacknowledged on purpose ({@link #leave}) holds back
 * nothing. As a safety net only, one still not done after {@link #HOLD_NANOS} stops holding back the ones behind it
 * and is acknowledged on its own whenever it is done: a path that never acknowledged a message would otherwise stop
 * the connection once the broker's in-flight window is full. Not sooner: a collector that falls behind holds
 * messages for many seconds before its commit, and releasing the ones behind them early is the walk again. Used on
 * the connection's context only.
 */
final class InOrderAcks<M> {
    static final long HOLD_NANOS = 120_000_000_000L;

    private final LongSupplier nanoTime;
    private final Consumer<M> send;
    /** Messages taken, oldest first, with whether they are done and when they came. */
    private final LinkedHashMap<Integer, Taken<M>> taken = new LinkedHashMap<>();
    /** Messages that held the others back too long: acknowledged as soon as each is done. */
    private final Map<Integer, M> overtaken = new HashMap<>();

    InOrderAcks(LongSupplier nanoTime, Consumer<M> send) {
        this.nanoTime = nanoTime;
        this.send = send;
    }

    /** False if a message of this packet id is already taken and not yet acknowledged (the broker sent it again). */
    boolean take(int packetId, M message) {
        if (taken.containsKey(packetId) || overtaken.containsKey(packetId)) {
            return false;
        }
        taken.put(packetId, new Taken<>(message, nanoTime.getAsLong()));
        return true;
    }

    /**
     * The message is dealt with: it is acknowledged once every older one is, or has waited too long. The message
     * itself is named too, so that a late call for a packet id the broker has since given another message does
     * nothing.
     */
    void done(int packetId, M message) {
        if (overtaken.get(packetId) == message) {
            overtaken.remove(packetId);
            send.accept(message);
            return;
        }
        Taken<M> waiting = taken.get(packetId);
        if (waiting == null || waiting.message != message) {
            return;
        }
        waiting.done = true;
        release();
    }

    /** The message will not be acknowledged on this connection: the ones behind it no longer wait for it. */
    void leave(int packetId, M message) {
        if (overtaken.get(packetId) == message) {
            overtaken.remove(packetId);
            return;
        }
        Taken<M> waiting = taken.get(packetId);
        if (waiting != null && waiting.message == message) {
            taken.remove(packetId);
            release();
        }
    }

    /** Acknowledges what no longer waits for an older message; also called now and then, for the safety net. */
    void release() {
        long now = nanoTime.getAsLong();
        Iterator<Map.Entry<Integer, Taken<M>>> oldest = taken.entrySet().iterator();
        while (oldest.hasNext()) {
            Map.Entry<Integer, Taken<M>> head = oldest.next();
            Taken<M> first = head.getValue();
            if (first.done) {
                oldest.remove();
                send.accept(first.message);
            } else if (now - first.since > HOLD_NANOS) {
                oldest.remove();
                overtaken.put(head.getKey(), first.message);
            } else {
                return;
            }
        }
    }

    /** Messages taken and not yet acknowledged, done or not. */
    int waiting() {
        return taken.size() + overtaken.size();
    }

    private static final class Taken<M> {
        final M message;
        final long since;
        boolean done;

        Taken(M message, long since) {
            this.message = message;
            this.since = since;
        }
    }
}
