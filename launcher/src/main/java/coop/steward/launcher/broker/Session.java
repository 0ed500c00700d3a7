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
    /** And at most this many of their bytes: a client that never acknowledges holds no more of the broker. */
    static final long MAX_IN_FLIGHT_BYTES = 64L * 1024 * 1024;
    /**
     * Bytes handed to the connection and not yet written to the network. A client that stops reading fills this,
     * and from then on its QoS 0 messages are dropped and its QoS 1 ones wait in its queue.
     */
    static final long MAX_UNWRITTEN_BYTES = 8L * 1024 * 1024;

    final String clientId;
    final boolean persistent;
    final Map<String, Integer> subscriptions = new LinkedHashMap<>();
    /** Packet id to message, in the order sent: resent in that order after a reconnect. */
    final Map<Integer, Message> inFlight = new LinkedHashMap<>();
    final ArrayDeque<Message> queue = new ArrayDeque<>();
    /** QoS 2 messages received from this client whose PUBREL has not come yet: a resend of one is not routed again. */
    final Set<Integer> awaitingRelease = new HashSet<>();
    /** The current connection's endpoint, while it is open; null when the client is away or leaving. */
    MqttEndpoint endpoint;
    long queuedBytes;
    private long inFlightBytes;
    private long unwritten;
    private int nextId = 1;

    Session(String clientId, boolean persistent) {
        this.clientId = clientId;
        this.persistent = persistent;
    }

    boolean isOnline() {
        return endpoint != null && endpoint.isConnected();
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

    /** Sends a message now if the window allows, else queues it behind the others; false if it had to be dropped. */
    boolean deliver(Message message, long maxQueuedBytes) {
        if (message.qos() == 0) {
            // Not kept for a client that is away, as Mosquitto does by default, nor for one that stopped reading.
            if (!isOnline() || unwritten > MAX_UNWRITTEN_BYTES) {
                return !isOnline();
            }
            write(message, 0, false, MqttQoS.AT_MOST_ONCE);
            return true;
        }
        if (queue.isEmpty() && canSend(message)) {
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
        Message done = inFlight.remove(packetId);
        if (done != null) {
            inFlightBytes -= done.size();
            drain();
        }
    }

    /** After a reconnect: what was in flight goes again, flagged DUP with its packet id, then the queue. */
    void resume() {
        for (Map.Entry<Integer, Message> m : inFlight.entrySet()) {
            write(m.getValue(), m.getKey(), true, MqttQoS.AT_LEAST_ONCE);
        }
        drain();
    }

    private boolean canSend(Message message) {
        return isOnline() && inFlight.size() < MAX_IN_FLIGHT && unwritten <= MAX_UNWRITTEN_BYTES
                && (inFlight.isEmpty() || inFlightBytes + message.size() <= MAX_IN_FLIGHT_BYTES);
    }

    private void drain() {
        Iterator<Message> waiting = queue.iterator();
        while (waiting.hasNext()) {
            Message next = waiting.next();
            if (!canSend(next)) {
                return;
            }
            waiting.remove();
            queuedBytes -= next.size();
            send(next, newId(), false);
        }
    }

    private void send(Message message, int packetId, boolean dup) {
        inFlight.put(packetId, message);
        inFlightBytes += message.size();
        write(message, packetId, dup, MqttQoS.AT_LEAST_ONCE);
    }

    private void write(Message message, int packetId, boolean dup, MqttQoS qos) {
        MqttEndpoint to = endpoint;
        long size = message.size();
        unwritten += size;
        // Completes once the bytes are written to the network, or the connection failed.
        to.publish(message.topic(), message.payload(), qos, dup, message.retain(), packetId).onComplete(ar -> {
            if (endpoint == to) { // else the connection is gone, and offline() forgot its writes
                unwritten -= size;
                if (unwritten <= MAX_UNWRITTEN_BYTES) {
                    drain();
                }
            }
        });
    }

    /** The connection is gone or going: its writes no longer count, and nothing more is sent on it. */
    void offline() {
        endpoint = null;
        unwritten = 0;
    }

    private int newId() {
        do {
            nextId = nextId == 65_535 ? 1 : nextId + 1;
        } while (inFlight.containsKey(nextId));
        return nextId;
    }
}
