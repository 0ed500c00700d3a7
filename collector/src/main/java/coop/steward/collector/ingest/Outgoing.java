package coop.steward.collector.ingest;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the collector itself publishes (alerts), QoS 1 and without blocking. A retained message that cannot go out
 * now (disconnected, too many in flight) is kept, only the latest per topic, and sent once the connection is back,
 * so the broker ends up holding the right retained state. Other messages are not kept.
 */
final class Outgoing {
    private static final Logger LOG = LoggerFactory.getLogger(Outgoing.class);

    private final Map<String, byte[]> retained = new LinkedHashMap<>();

    synchronized void publish(MqttAsyncClient client, String topic, byte[] payload, boolean retain) {
        if (retain) {
            retained.remove(topic);
            retained.put(topic, payload);
            flush(client);
            return;
        }
        if (client != null && client.isConnected()) {
            try {
                client.publish(topic, payload, 1, false);
            } catch (MqttException e) {
                LOG.debug("Could not publish on {}: {}", topic, e.getMessage());
            }
        }
    }

    /** Sends the kept retained messages; stops at the first that cannot go out and keeps it and the rest. */
    synchronized void flush(MqttAsyncClient client) {
        if (retained.isEmpty() || client == null || !client.isConnected()) {
            return;
        }
        Iterator<Map.Entry<String, byte[]>> pending = retained.entrySet().iterator();
        while (pending.hasNext()) {
            Map.Entry<String, byte[]> next = pending.next();
            try {
                client.publish(next.getKey(), next.getValue(), 1, true);
                pending.remove();
            } catch (MqttException e) {
                return;
            }
        }
    }
}
