package coop.steward.launcher.broker;

import coop.steward.protocol.Untrusted;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.mqtt.MqttAuth;
import io.vertx.mqtt.MqttEndpoint;
import io.vertx.mqtt.MqttServer;
import io.vertx.mqtt.MqttServerOptions;
import io.vertx.mqtt.MqttTopicSubscription;
import io.vertx.mqtt.MqttWill;
import io.vertx.mqtt.messages.MqttPublishMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker itself: MQTT 3.1.1 on Vert.x's MQTT server, which reads and writes the packets; this verticle keeps
 * sessions, subscriptions and retained messages and routes each message to its subscribers. One verticle on one
 * event loop, so its state needs no locks.
 */
final class BrokerVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerVerticle.class);

    private final String host;
    private final int port;
    private final Limits limits;
    private final BrokerAccess access;
    private final Map<String, Session> sessions;
    private final Map<String, Message> retained;
    private MqttServer server;

    /** What the broker takes: like Mosquitto's message_size_limit and max_queued_bytes in docs/deployment.md. */
    record Limits(int maxPacketBytes, int maxPayloadBytes, long maxQueuedBytes) {
    }

    BrokerVerticle(String host, int port, Limits limits, BrokerAccess access, BrokerState.Snapshot saved) {
        this.host = host;
        this.port = port;
        this.limits = limits;
        this.access = access;
        this.sessions = saved.sessions();
        this.retained = saved.retained();
    }

    int port() {
        return server.actualPort();
    }

    /** Its state as it is now, to keep on disk; called on its own context. */
    BrokerState.Snapshot snapshot() {
        Map<String, Session> persistent = new HashMap<>();
        sessions.forEach((id, s) -> {
            if (s.persistent) {
                persistent.put(id, s);
            }
        });
        return new BrokerState.Snapshot(persistent, retained);
    }

    @Override
    public Future<?> start() {
        server = MqttServer.create(vertx, new MqttServerOptions().setHost(host).setPort(port)
                .setMaxMessageSize(limits.maxPacketBytes()).setTimeoutOnConnect(30));
        server.endpointHandler(this::connect).exceptionHandler(e -> LOG.debug("MQTT connection: {}", e.toString()));
        return server.listen();
    }

    @Override
    public Future<?> stop() {
        return server.close();
    }

    private void connect(MqttEndpoint endpoint) {
        if (endpoint.protocolVersion() != 3 && endpoint.protocolVersion() != 4) {
            endpoint.reject(MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION);
            return;
        }
        MqttAuth auth = endpoint.auth();
        String clientId = access.login(endpoint.clientIdentifier(), auth == null ? null : auth.getUsername(),
                auth == null ? null : auth.getPassword()).orElse(null);
        if (clientId == null) {
            LOG.debug("Refused a client at {}: no account with that user name and password",
                    endpoint.remoteAddress());
            endpoint.reject(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED);
            return;
        }
        if (!clientId.equals(endpoint.clientIdentifier())) {
            endpoint.setClientIdentifier(clientId);
        }
        if (clientId.isEmpty()) {
            if (!endpoint.isCleanSession()) {
                // MQTT 3.1.1: a session kept for later needs a name to find it by.
                endpoint.reject(MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED);
                return;
            }
            clientId = "anonymous-" + UUID.randomUUID();
            endpoint.setClientIdentifier(clientId);
        }
        Session earlier = sessions.get(clientId);
        if (earlier != null && earlier.endpoint != null) {
            MqttEndpoint old = earlier.endpoint;
            earlier.offline(); // its close is a takeover, not the session going away
            publishWill(old);
            closeQuietly(old);
        }
        boolean present = earlier != null && earlier.persistent && !endpoint.isCleanSession();
        Session session = present ? earlier : new Session(clientId, !endpoint.isCleanSession());
        sessions.put(clientId, session);
        session.endpoint = endpoint;
        boolean[] saidGoodbye = {false};
        boolean[] gone = {false};
        endpoint.publishAutoAck(false);
        endpoint.subscriptionAutoAck(false);
        endpoint.publishHandler(message -> publish(session, endpoint, message))
                .publishReleaseHandler(id -> {
                    session.awaitingRelease.remove(id);
                    endpoint.publishComplete(id);
                })
                .publishAcknowledgeHandler(id -> {
                    if (session.endpoint == endpoint) {
                        session.acknowledged(id);
                    }
                })
                .subscribeHandler(subscribe -> {
                    List<MqttQoS> granted = new ArrayList<>();
                    for (MqttTopicSubscription s : subscribe.topicSubscriptions()) {
                        granted.add(subscribe(session, s.topicName(), s.qualityOfService().value()));
                    }
                    endpoint.subscribeAcknowledge(subscribe.messageId(), granted);
                    for (MqttTopicSubscription s : subscribe.topicSubscriptions()) {
                        sendRetained(session, s.topicName());
                    }
                })
                .unsubscribeHandler(unsubscribe -> {
                    unsubscribe.topics().forEach(session.subscriptions::remove);
                    endpoint.unsubscribeAcknowledge(unsubscribe.messageId());
                })
                .disconnectHandler(v -> {
                    saidGoodbye[0] = true;
                    leave(session, endpoint, gone, false);
                })
                .exceptionHandler(e -> LOG.debug("{}: {}", Untrusted.cut(session.clientId, 80), e.toString()))
                .closeHandler(v -> leave(session, endpoint, gone, !saidGoodbye[0]));
        endpoint.accept(present);
        if (present) {
            session.resume();
        }
    }

    /**
     * A connection ends: said goodbye, closed, or closed by the broker. Nothing more is sent on it from here, though
     * the socket may take a while to close behind a client that stopped reading.
     */
    private void leave(Session session, MqttEndpoint endpoint, boolean[] gone, boolean publishWill) {
        if (gone[0]) {
            return;
        }
        gone[0] = true;
        if (session.endpoint != endpoint) {
            return; // taken over by a newer connection, which has the session now
        }
        session.offline();
        if (publishWill) {
            publishWill(endpoint);
        }
        if (!session.persistent) {
            sessions.remove(session.clientId);
        }
    }

    private static void closeQuietly(MqttEndpoint endpoint) {
        try {
            endpoint.close();
        } catch (RuntimeException e) {
            // closed already
        }
    }

    private void publish(Session from, MqttEndpoint endpoint, MqttPublishMessage message) {
        int qos = message.qosLevel().value();
        if (!TopicFilter.isValidTopic(message.topicName())) {
            LOG.warn("{} published to '{}', which is not a topic one may publish to; closing its connection",
                    Untrusted.cut(from.clientId, 80), Untrusted.cut(message.topicName(), 160));
            closeQuietly(endpoint);
            return;
        }
        if (qos == 2 && !from.awaitingRelease.add(message.messageId())) {
            endpoint.publishReceived(message.messageId()); // sent again before its PUBREL: routed once already
            return;
        }
        if (!access.mayPublish(from.clientId, message.topicName())) {
            // As Mosquitto: acknowledged and dropped, so that a client learns nothing of what others may do.
            LOG.debug("{} may not publish on {}; dropped", Untrusted.cut(from.clientId, 80),
                    Untrusted.cut(message.topicName(), 160));
        } else if (message.payload().length() > limits.maxPayloadBytes()) {
            // As Mosquitto's message_size_limit: acknowledged and dropped, the sender stays connected.
            LOG.warn("Dropped a message of {} bytes from {} on {}: the limit is {} bytes", message.payload().length(),
                    Untrusted.cut(from.clientId, 80), Untrusted.cut(message.topicName(), 160), limits.maxPayloadBytes());
        } else {
            route(new Message(message.topicName(), message.payload(), qos, message.isRetain()));
        }
        if (qos == 1) {
            endpoint.publishAcknowledge(message.messageId());
        } else if (qos == 2) {
            endpoint.publishReceived(message.messageId());
        }
    }

    private void route(Message message) {
        if (message.retain()) {
            if (message.payload().length() == 0) {
                retained.remove(message.topic());
            } else {
                retained.put(message.topic(), message.at(Math.min(1, message.qos()), true));
            }
        }
        for (Session session : sessions.values()) {
            int granted = session.grantedFor(message.topic());
            if (granted < 0 || !access.mayReceive(session.clientId, message.topic())) {
                continue;
            }
            try {
                if (!session.deliver(message.at(Math.min(granted, Math.min(1, message.qos())), false),
                        limits.maxQueuedBytes())) {
                    LOG.warn("Dropped a message on {} for {}, which is not taking what it is sent ({} bytes wait "
                            + "for it)", Untrusted.cut(message.topic(), 160), Untrusted.cut(session.clientId, 80),
                            session.queuedBytes);
                }
            } catch (RuntimeException e) {
                // One subscriber's broken connection must not keep the message from the others, or its PUBACK.
                LOG.debug("Could not deliver on {} to {}: {}", Untrusted.cut(message.topic(), 160),
                        Untrusted.cut(session.clientId, 80), e.toString());
            }
        }
    }

    /** Grants QoS 0 or 1 (the broker delivers at most QoS 1); 0x80 refuses a filter that is not one. */
    private MqttQoS subscribe(Session session, String filter, int requested) {
        if (!TopicFilter.isValidFilter(filter)) {
            return MqttQoS.FAILURE;
        }
        int granted = Math.min(requested, 1);
        session.subscriptions.put(filter, granted);
        return MqttQoS.valueOf(granted);
    }

    private void sendRetained(Session session, String filter) {
        Integer granted = session.subscriptions.get(filter);
        if (granted == null) {
            return;
        }
        for (Message message : retained.values()) {
            if (TopicFilter.matches(filter, message.topic()) && access.mayReceive(session.clientId, message.topic())) {
                session.deliver(message.at(Math.min(granted, message.qos()), true), limits.maxQueuedBytes());
            }
        }
    }

    private void publishWill(MqttEndpoint endpoint) {
        MqttWill will = endpoint.will();
        if (will != null && will.isWillFlag() && will.getWillTopic() != null
                && TopicFilter.isValidTopic(will.getWillTopic())
                && access.mayPublish(endpoint.clientIdentifier(), will.getWillTopic())) {
            route(new Message(will.getWillTopic(), will.getWillMessage(), will.getWillQos(), will.isWillRetain()));
        }
    }
}
