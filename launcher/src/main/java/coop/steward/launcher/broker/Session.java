package coop.steward.launcher.broker;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.mqtt.MqttEndpoint;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One client's session: its subscriptions and, while it is away or busy, the messages waiting for it. A client
 * that connects with a clean session gets a fresh one, dropped when it leaves; one that does not gets the same
 * session back, with what arrived meanwhile. Confined to the broker's context.
 */
final class Session {
    /** Unacknowledged QoS 1 messages in flight to one client, as docs/deployment.md sets Mosquitto's. */
    static final int MAX_IN_FLIGHT = 1_000;

    final String clientId;
    final boolean persistent;
    final Map<String, Integer> subscriptions = new LinkedHashMap<>();
    /** Packet id to message, in the order sent: resent in that order after a reconnect. */
    final Map<Integer, Message> inFlight = new LinkedHashMap<>();
    final ArrayDeque<Message> queue = new ArrayDeque<>();
    /** QoS 2 messages received from this client whose PUBREL has not come yet: a resend of one is not routed again. */
    final Set<Integer> awaitingRelease = new HashSet<>();
    MqttEndpoint endpoint;
    long queuedBytes;
    private int nextId = 1;

    Session(String clientId, boolean persistent) {
        this.clientId = clientId;
        this.persistent = persistent;
    }

    boolean isOnline() {
        return endpoint != null;
    }

    /** The highest QoS among this client's subscriptions that match the topic; -1 when none does. */
    int grantedFor(String topic) {
        int granted = -1;
        for (Map.Entry<String, Integer> s : subscriptions.entrySet()) {
            if (s.getValue() > granted && TopicFilter.matches(s.getKey(), topic)) {
                granted = s.getValue();
            }
        }
        return granted;
    }

    /** Sends a message now if the window allows, else queues it behind the others; false if the queue is full. */
    boolean deliver(Message message, long maxQueuedBytes) {
        if (message.qos() == 0) {
            if (isOnline()) {
                endpoint.publish(message.topic(), message.payload(), MqttQoS.AT_MOST_ONCE, false, message.retain());
            }
            return true; // QoS 0 is not kept for a client that is away, as Mosquitto does by default
        }
        if (isOnline() && queue.isEmpty() && inFlight.size() < MAX_IN_FLIGHT) {
            send(message, newId(), false);
            return true;
        }
        if (queuedBytes + message.size() > maxQueuedBytes) {
            return false;
        }
        queue.add(message);
        queuedBytes += message.size();
        return true;
    }

    void acknowledged(int packetId) {
        if (inFlight.remove(packetId) != null) {
            drain();
        }
    }

    /** After a reconnect: what was in flight goes again, flagged DUP with its packet id, then the queue. */
    void resume() {
        for (Map.Entry<Integer, Message> m : inFlight.entrySet()) {
            send(m.getValue(), m.getKey(), true);
        }
        drain();
    }

    private void drain() {
        Iterator<Message> waiting = queue.iterator();
        while (isOnline() && inFlight.size() < MAX_IN_FLIGHT && waiting.hasNext()) {
            Message next = waiting.next();
            waiting.remove();
            queuedBytes -= next.size();
            send(next, newId(), false);
        }
    }

    private void send(Message message, int packetId, boolean dup) {
        inFlight.put(packetId, message);
        endpoint.publish(message.topic(), message.payload(), MqttQoS.AT_LEAST_ONCE, dup, message.retain(), packetId);
    }

    private int newId() {
        do {
            nextId = nextId == 65_535 ? 1 : nextId + 1;
        } while (inFlight.containsKey(nextId));
        return nextId;
    }
}
