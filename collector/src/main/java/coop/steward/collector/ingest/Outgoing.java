package coop.steward.collector.ingest;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the collector itself publishes (acks to agents, alerts), QoS 1 and without blocking. A retained message that
 * cannot go out now (disconnected, too many in flight) is kept, only the latest per topic, and sent once the
 * connection is back, so the broker ends up holding the right retained state. Other messages are not kept.
 * Confined to the ingest context.
 */
final class Outgoing {
    /** Hands one message to the connection; false when it cannot be sent now. */
    @FunctionalInterface
    interface Sender {
        boolean send(String topic, byte[] payload, boolean retain);
    }

    private final Map<String, byte[]> retained = new LinkedHashMap<>();

    void publish(Sender sender, String topic, byte[] payload, boolean retain) {
        if (retain) {
            retained.remove(topic);
            retained.put(topic, payload);
            flush(sender);
        } else {
            sender.send(topic, payload, false);
        }
    }

    /** Sends the kept retained messages; stops at the first that cannot go out and keeps it and the rest. */
    void flush(Sender sender) {
        Iterator<Map.Entry<String, byte[]>> pending = retained.entrySet().iterator();
        while (pending.hasNext()) {
            Map.Entry<String, byte[]> next = pending.next();
            if (!sender.send(next.getKey(), next.getValue(), true)) {
                return;
            }
            pending.remove();
        }
    }
}
