package coop.steward.collector.ingest;

import io.vertx.core.Future;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The collector's own retained messages (alerts), each kept, the latest per topic, until the broker acknowledges it
 * on the connection it went out on: one still in flight when a connection drops, or that could not go out at all,
 * is sent again, so the broker ends up holding the right retained state. Confined to the ingest context.
 */
final class Outgoing {
    /** Hands one message to a connection; the future gives its packet id once written, and fails if it was not. */
    @FunctionalInterface
    interface Sender {
        Future<Integer> send(String topic, byte[] payload, boolean retain);
    }

    /** A retained message, and the connection and packet id it was last sent with (null and 0 until it is). */
    private static final class Kept {
        final byte[] payload;
        Object connection;
        int packetId;

        Kept(byte[] payload) {
            this.payload = payload;
        }
    }

    private final Map<String, Kept> retained = new LinkedHashMap<>();

    void publish(Sender sender, Object connection, String topic, byte[] payload) {
        retained.remove(topic);
        retained.put(topic, new Kept(payload));
        flush(sender, connection);
    }

    /** Sends every kept message not yet sent on this connection. */
    void flush(Sender sender, Object connection) {
        if (connection == null) {
            return;
        }
        for (Map.Entry<String, Kept> entry : retained.entrySet()) {
            Kept kept = entry.getValue();
            if (kept.connection == connection) {
                continue;
            }
            Future<Integer> sent = sender.send(entry.getKey(), kept.payload, true);
            if (sent.failed()) {
                return; // too many in flight: the next flush tries again
            }
            kept.connection = connection;
            sent.onSuccess(id -> kept.packetId = id).onFailure(e -> kept.connection = null);
        }
    }

    /** The broker's PUBACK: that message is the broker's to keep now. */
    void acknowledged(Object connection, int packetId) {
        Iterator<Kept> kept = retained.values().iterator();
        while (kept.hasNext()) {
            Kept next = kept.next();
            if (next.connection == connection && next.packetId == packetId) {
                kept.remove();
                return;
            }
        }
    }
}
