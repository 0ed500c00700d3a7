package coop.steward.collector.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.mqtt.messages.MqttPublishMessage;
import io.vertx.mqtt.messages.MqttSubAckMessage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collector's connection to its broker: a persistent session (clean session off) that is re-established with
 * back-off whenever it drops, subscriptions made on every connect, and acknowledgements sent on the connection
 * that brought each message. Runs on one Vert.x context: every method is called there.
 * <p>
 * Built on the Vert.x MQTT client rather than Paho 1.2.5, which kills its receiving thread on any topic with a
 * character from U+FDD0 up (a fullwidth letter, an emoji) while its connection still looks healthy, and is handed
 * the same message again after every reconnect. The Vert.x client decodes any topic a broker forwards, and its
 * decoding runs on the event loop, so there is no second thread to die unseen. It also decodes packets up to
 * MQTT's own limit: a packet it refused could never be acknowledged, and the broker would hand it back for ever.
 */
public final class BrokerLink {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerLink.class);
    /** MQTT's largest packet (its remaining length is at most 268,435,455 bytes). */
    static final int MAX_PACKET_BYTES = 268_435_455;
    /**
     * A closed connection shows at once, and a broker that stops answering within 37.5 s (the client pings after 15 s
     * of silence and gives up 22.5 s later), even with no traffic. Not shorter: the client gives up when the ping's
     * answer is late even while messages keep arriving, and a busy hub's broker answered later than 7.5 s (with 5 s),
     * so that both collectors of a group hung up on it in the scale bench, each letting go of all its sites.
     */
    private static final int KEEP_ALIVE_SECONDS = 15;
    /** The collector's own QoS 1 messages (acks to agents, alerts) awaiting the broker's PUBACK. */
    private static final int MAX_OUTBOUND_IN_FLIGHT = 10_000;
    private static final long FIRST_RETRY_MS = 500;
    /** After a pause, the store gets a moment before the broker's backlog comes again. */
    private static final long RESUME_AFTER_MS = 1_000;
    private static final long MAX_RETRY_MS = 10_000;
    private static final long HOLD_LOG_EVERY_NS = 60_000_000_000L;
    /** Well within the 15 s of silence after which the client pings (see {@link #KEEP_ALIVE_SECONDS}). */
    private static final long MAX_SILENT_HOLD_NS = 10_000_000_000L;

    /** One message from the broker. */
    public record Message(String topic, byte[] payload, int qos, Ack ack) {
    }

    /** Confirms one QoS 1 message to the broker, on the connection that brought it, if that one is still up. */
    public interface Ack {
        Ack NONE = () -> {
        };

        void send();

        /**
         * The message is left unacknowledged on purpose, and the broker sends it again on the next connection; the
         * ones after it are acknowledged without waiting for it.
         */
        default void leave() {
        }
    }

    private final Vertx vertx;
    private final String option;
    private final IngestSettings settings;
    private final BrokerAddress address;
    private final Map<String, Integer> subscriptions;
    private final Handler<Message> inbound;
    private final Outgoing outgoing = new Outgoing();
    private final Counter connects;
    private final Counter losses;
    private final Counter redelivered;
    private Connection current;
    private long retryMs = FIRST_RETRY_MS;
    private long retryTimer = -1;
    private long ackTimer = -1;
    private boolean stopped;
    private volatile boolean paused;
    private volatile boolean resting;
    private volatile boolean ready;
    /**
     * Paused by reading nothing from {@link #current}, which is still up; written on the link's context, read from
     * any thread.
     */
    private volatile boolean holding;
    private long holds;
    private long lastHoldLogged = System.nanoTime() - HOLD_LOG_EVERY_NS - 1;
    private volatile String problem = "connecting to the MQTT broker";
    /** Said retained on every connection, and cleared by the broker (the Last Will) when the link dies. */
    private String announceTopic;
    private byte[] announcement;

    BrokerLink(Vertx vertx, IngestSettings settings, List<String> topics, MeterRegistry registry,
               Handler<Message> inbound) {
        this(vertx, settings, topics, registry, "steward.mqtt", "--mqtt", inbound);
    }

    /**
     * @param metrics the prefix of its metrics' names, one per link of a collector
     * @param option  the command-line option that names the broker, for messages a person reads
     */
    public BrokerLink(Vertx vertx, IngestSettings settings, List<String> topics, MeterRegistry registry,
                      String metrics, String option, Handler<Message> inbound) {
        this.vertx = vertx;
        this.option = option;
        this.settings = settings;
        this.address = BrokerAddress.parse(settings.brokerUrl());
        this.subscriptions = new LinkedHashMap<>();
        topics.forEach(topic -> subscriptions.put(topic, 1));
        this.inbound = inbound;
        this.connects = Counter.builder(metrics + ".connects")
                .description("Connections made to the MQTT broker (the first one and every reconnect)")
                .register(registry);
        this.losses = Counter.builder(metrics + ".connection.losses")
                .description("Working connections to the MQTT broker (connected and subscribed) that were lost")
                .register(registry);
        this.redelivered = Counter.builder(metrics + ".redelivered")
                .description("Messages the broker sent again while the first copy was still being stored; "
                        + "the first copy is acknowledged once it is")
                .register(registry);
    }

    public void start() {
        connect();
        ackTimer = vertx.setPeriodic(1_000, id -> {
            if (current != null) {
                current.acks.release();
                checkHold(System.nanoTime());
            }
        });
    }

    /**
     * Before {@link #start}: on every connection, publishes {@code payload} retained on {@code topic}, and leaves the
     * broker a Last Will that clears it, so that everyone who subscribes knows whether this link is alive. The
     * session is then clean: a link that dies leaves the broker no queue of its own, and what was sent to it and
     * not acknowledged is sent again by its senders, to whoever is alive.
     */
    public void announce(String topic, byte[] payload) {
        announceTopic = topic;
        announcement = payload.clone();
    }

    /** Subscribes to one more topic, QoS 1, now if connected and on every connect from now on. */
    public void subscribe(String topic) {
        if (subscriptions.putIfAbsent(topic, 1) == null && current != null) {
            Connection connection = current;
            connection.client.subscribe(topic, 1).onFailure(e -> failed(connection, e));
        }
    }

    /** True while connected and subscribed: messages can arrive. Safe from any thread. */
    public boolean isReady() {
        return ready;
    }

    /** Why messages cannot arrive now, as a sentence; null while they can. Safe from any thread. */
    public String problem() {
        return ready && !holdsReads() ? null : problem;
    }

    /**
     * Publishes one of the collector's own messages, QoS 1, without waiting. A retained one is kept, the latest per
     * topic, until the broker acknowledges it, and sent again on the next connection if it is not; others are
     * dropped when they cannot go out (an agent resends what was not acknowledged).
     */
    public void publish(String topic, byte[] payload, boolean retained) {
        if (retained) {
            outgoing.publish(this::send, ready ? current : null, topic, payload);
        } else {
            send(topic, payload);
        }
    }

    /** Sends the retained messages not yet acknowledged; called every few hundred milliseconds. */
    public void flushRetained() {
        if (ready) {
            outgoing.flush(this::send, current);
        }
    }

    /**
     * Stops taking messages while the collector cannot keep up. The link stops reading from its socket: the broker
     * keeps what follows, the connection stays up, and reading starts again once the collector has caught up
     * ({@link #caughtUp}). Where the socket cannot be reached ({@link SocketReads}), or once nothing has been stored
     * for a while ({@link #checkHold}), what arrives from now on is left unacknowledged instead, and once everything
     * taken before is stored and acknowledged ({@link #drained}), the link disconnects and connects again a second
     * later, and the broker sends the rest again. Only reached when the broker sends more than its in-flight window
     * should let it (Mosquitto 2.0.11 does, under a burst).
     */
    void pause(String why) {
        if (paused || stopped || current == null) {
            return;
        }
        problem = "intake paused while the store catches up: " + why;
        if (current.holdReads()) {
            holding = true; // before paused: /health never finds it neither connected nor paused
            paused = true;
            // Reading nothing more, rather than taking messages only to drop them: each of those came again after
            // the reconnect, and at InfluxDB, as readings older than their series' latest, cost a look-up each.
            holds++;
            long now = System.nanoTime();
            // Under a long backlog this happens every few seconds, and each time the same: said once a minute.
            if (now - lastHoldLogged > HOLD_LOG_EVERY_NS) {
                lastHoldLogged = now;
                LOG.warn("Pausing intake from the MQTT broker at {}: {}; reading nothing more until the store catches "
                        + "up, while the broker keeps what follows ({} such pauses so far)", settings.brokerUrl(), why,
                        holds);
            }
            return;
        }
        paused = true;
        drain(current);
        LOG.warn("Pausing intake from the MQTT broker at {}: {}; the broker keeps what follows", settings.brokerUrl(),
                why);
    }

    /** Pauses by taking what arrives only to leave it unacknowledged, until what was taken before is stored. */
    private void drain(Connection connection) {
        resting = false; // a pause ends in a new connection, which subscribes to everything
        ready = false;
        connection.draining = true;
    }

    /**
     * A link that has read nothing while nothing was acknowledged for {@link #MAX_SILENT_HOLD_NS} (the store is stuck:
     * InfluxDB down, a disk full) reads again and drains instead. Reading nothing for long would end the connection:
     * the client pings after 15 s without sending anything, cannot read the answer, and hangs up 22.5 s later; and
     * what it took would then be stored with no connection left to acknowledge it on.
     */
    private void checkHold(long now) {
        Connection connection = current;
        if (!holding || connection == null
                || now - Math.max(connection.heldSince, connection.lastAck) < MAX_SILENT_HOLD_NS) {
            return;
        }
        LOG.warn("Intake from the MQTT broker at {} has been paused for {} s with nothing stored meanwhile; reading "
                + "again to keep the connection, and leaving what arrives unacknowledged until the store catches up "
                + "(the broker sends it again after a reconnect)", settings.brokerUrl(),
                (now - connection.heldSince) / 1_000_000_000L);
        drain(connection); // not ready before it stops holding: /health never finds it neither connected nor paused
        holding = false;
        connection.resumeReads();
    }

    /**
     * The collector holds so little again that a link that stopped reading ({@link #pause}) reads on, before its
     * store runs dry. Called as committed batches are let go.
     */
    void caughtUp() {
        Connection connection = current;
        if (holding && connection != null) {
            holding = false; // before paused: /health never finds it neither connected nor paused
            paused = false;
            connection.resumeReads();
            LOG.debug("Reading from the MQTT broker at {} again", settings.brokerUrl());
        }
    }

    /** True while the link reads nothing more from a connection that is still up ({@link #pause}). Any thread. */
    boolean holdsReads() {
        return holding;
    }

    /**
     * A member of a hub group (a link that {@link #announce}s itself) that falls behind unsubscribes from the group's
     * shared topics, so that the broker hands new messages to the other members, and stays connected and a member:
     * what the broker already gave it still arrives and is taken, bounded by the broker's in-flight window and queue.
     * Once everything taken is stored and acknowledged ({@link #drained}), it subscribes again. Disconnecting
     * instead, as a pause may end in ({@link #pause}), would drop what the broker queued for its clean session, and
     * every sender would resend it; and leaving the group would move its sites' alerts away and back. False when this
     * link cannot rest (it is no group member) or already does.
     */
    boolean rest(String why) {
        Map<String, Integer> shared = sharedSubscriptions();
        if (announceTopic == null || shared.isEmpty() || resting || paused || stopped || current == null) {
            return false;
        }
        resting = true;
        LOG.warn("Taking no new messages from the MQTT broker at {} for a moment: {}; the group's other collectors "
                + "take them", settings.brokerUrl(), why);
        Connection connection = current;
        connection.client.unsubscribe(List.copyOf(shared.keySet())).onFailure(e -> failed(connection, e));
        return true;
    }

    /** True while resting as a group member: connected, and taking no new messages. */
    boolean isResting() {
        return resting;
    }

    /** True while intake is paused on purpose. Safe from any thread. */
    boolean isPaused() {
        return paused || resting;
    }

    /** Everything taken before the pause is stored and acknowledged: start afresh. */
    void drained() {
        if (holding) {
            caughtUp();
            return;
        }
        if (resting && !paused && !stopped) {
            retryTimer = vertx.setTimer(RESUME_AFTER_MS, id -> resume());
            return;
        }
        if (!paused || stopped) {
            return;
        }
        Connection connection = current;
        current = null;
        if (connection != null) {
            connection.closing("intake paused while the store caught up");
            hangUp(connection);
        }
        retryTimer = vertx.setTimer(RESUME_AFTER_MS, id -> {
            paused = false;
            LOG.info("Resuming intake from the MQTT broker at {}", settings.brokerUrl());
            retryMs = FIRST_RETRY_MS;
            connect();
        });
    }

    /** Takes the group's shared topics again after a rest; a connection lost meanwhile subscribed to them anew. */
    private void resume() {
        if (!resting || stopped || paused) {
            return;
        }
        resting = false;
        Connection connection = current;
        if (connection == null) {
            return;
        }
        Map<String, Integer> shared = sharedSubscriptions();
        LOG.info("Taking new messages from the MQTT broker at {} again", settings.brokerUrl());
        connection.client.subscribe(shared).onFailure(e -> failed(connection, e));
    }

    /** The group's shared subscriptions ({@code $share/...}), which a rest leaves and its end takes again. */
    private Map<String, Integer> sharedSubscriptions() {
        Map<String, Integer> shared = new LinkedHashMap<>();
        subscriptions.forEach((topic, qos) -> {
            if (topic.startsWith("$share/")) {
                shared.put(topic, qos);
            }
        });
        return shared;
    }

    public Future<Void> stop() {
        stopped = true;
        ready = false;
        vertx.cancelTimer(retryTimer);
        vertx.cancelTimer(ackTimer);
        Connection connection = current;
        current = null;
        if (connection == null || !connection.client.isConnected()) {
            return Future.succeededFuture();
        }
        Promise<Void> done = Promise.promise();
        hangUp(connection).onComplete(ar -> done.complete());
        vertx.setTimer(3_000, id -> done.tryComplete());
        return done.future();
    }

    /**
     * Disconnects. A clean DISCONNECT leaves the Last Will unsaid, so a link that announces itself first says itself
     * that it is gone; while that cannot go out (too much in flight), it tries again for up to 2 seconds.
     */
    private Future<Void> hangUp(Connection connection) {
        if (announceTopic == null) {
            return connection.client.disconnect();
        }
        Promise<Void> said = Promise.promise();
        farewell(connection, said, 20);
        return said.future().eventually(() -> connection.client.disconnect());
    }

    private void farewell(Connection connection, Promise<Void> said, int tries) {
        publishOn(connection, announceTopic, new byte[0], true).onComplete(ar -> {
            if (ar.succeeded() || tries <= 1 || !connection.client.isConnected()) {
                said.tryComplete();
            } else {
                vertx.setTimer(100, id -> farewell(connection, said, tries - 1));
            }
        });
    }

    /** Sends one message that is not retained, QoS 1; false when it cannot go out now. */
    public boolean send(String topic, byte[] payload) {
        return !send(topic, payload, false).failed();
    }

    private Future<Integer> send(String topic, byte[] payload, boolean retain) {
        Connection connection = current;
        if (connection == null || !ready) {
            return Future.failedFuture("not connected");
        }
        return publishOn(connection, topic, payload, retain);
    }

    private static Future<Integer> publishOn(Connection connection, String topic, byte[] payload, boolean retain) {
        // Counted here rather than left to the client, which would refuse too but log an error for each refusal:
        // under load (thousands of agents' acks at once) that flooded the log with what is normal here.
        if (connection.inFlight >= MAX_OUTBOUND_IN_FLIGHT) {
            return Future.failedFuture("too many messages in flight");
        }
        Future<Integer> sent = connection.client.publish(topic, Buffer.buffer(payload), MqttQoS.AT_LEAST_ONCE, false,
                retain);
        if (!sent.failed()) {
            connection.inFlight++;
            sent.onFailure(e -> connection.inFlight--);
        }
        return sent;
    }

    private void connect() {
        if (stopped || paused) {
            return;
        }
        MqttClientOptions options = new MqttClientOptions()
                .setClientId(settings.clientId())
                .setCleanSession(announceTopic != null)
                .setKeepAliveInterval(KEEP_ALIVE_SECONDS)
                .setMaxMessageSize(MAX_PACKET_BYTES)
                .setMaxInflightQueue(MAX_OUTBOUND_IN_FLIGHT);
        options.setAutoAck(false);
        if (announceTopic != null) {
            options.setWillFlag(true).setWillTopic(announceTopic).setWillMessageBytes(Buffer.buffer())
                    .setWillQoS(1).setWillRetain(true);
        }
        options.setConnectTimeout(10_000);
        options.setTcpNoDelay(true);
        BrokerLogin.apply(options, address.tls(), settings.tls(), settings.username(), settings.password());
        // A client per connection: the Vert.x client keeps some state across a reconnect (its count of messages in
        // flight), and an acknowledgement must never reach a later connection, where its id means another message.
        Connection connection = new Connection(MqttClient.create(vertx, options), this);
        connection.client.publishHandler(message -> received(connection, message))
                .publishCompletionHandler(packetId -> {
                    connection.inFlight--;
                    outgoing.acknowledged(connection, packetId);
                })
                .publishCompletionExpirationHandler(packetId -> connection.inFlight--)
                .subscribeCompletionHandler(suback -> subscribed(connection, suback))
                .exceptionHandler(e -> failed(connection, e))
                .closeHandler(v -> closed(connection));
        connection.client.connect(address.port(), address.host()).onComplete(ar -> {
            if (ar.failed()) {
                retry("cannot connect to the MQTT broker at " + settings.brokerUrl() + " (" + ar.cause().getMessage()
                        + "); check that it is running and that " + option + " names it");
                return;
            }
            if (stopped || paused) {
                connection.client.disconnect();
                return;
            }
            current = connection;
            SocketReads.writeTogether(connection.client);
            connects.increment();
            LOG.info("Connected to the MQTT broker at {}", settings.brokerUrl());
            if (subscriptions.isEmpty()) {
                ready(connection); // a SUBSCRIBE of no topic breaks the protocol: the broker would hang up
            } else {
                connection.client.subscribe(subscriptions).onFailure(e -> failed(connection, e));
            }
        });
    }

    private void subscribed(Connection connection, MqttSubAckMessage suback) {
        if (connection != current) {
            return;
        }
        if (suback.grantedQoSLevels().stream().anyMatch(qos -> qos == 0x80)) {
            problem = "the MQTT broker at " + settings.brokerUrl() + " refused the subscription to "
                    + subscriptions.keySet() + ": let user " + (settings.username() == null ? "(anonymous)"
                    : "'" + settings.username() + "'") + " read them in the broker's ACL";
            LOG.error("{}; trying again", problem);
            connection.closing(problem);
            hangUp(connection);
            return;
        }
        ready(connection);
    }

    private void ready(Connection connection) {
        retryMs = FIRST_RETRY_MS;
        boolean wasReady = ready;
        ready = true;
        if (!wasReady && announceTopic != null) {
            outgoing.publish(this::send, connection, announceTopic, announcement);
        }
        outgoing.flush(this::send, connection);
    }

    private void received(Connection connection, MqttPublishMessage message) {
        if (connection != current || connection.draining) {
            return; // left unacknowledged: the broker sends it again on the next connection
        }
        int qos = message.qosLevel().value();
        if (qos > 0 && !connection.acks.take(message.messageId(), message)) {
            // Some brokers (Moquette) resend a message that waits long for its acknowledgement on the same
            // connection; the first copy is still on its way to the store and will be acknowledged.
            redelivered.increment();
            return;
        }
        Ack ack = qos == 0 ? Ack.NONE : new Ack() {
            @Override
            public void send() {
                connection.acks.done(message.messageId(), message);
            }

            @Override
            public void leave() {
                connection.acks.leave(message.messageId(), message);
            }
        };
        inbound.handle(new Message(message.topicName(), PayloadBytes.of(message.payload()), qos, ack));
    }

    private void failed(Connection connection, Throwable e) {
        if (e instanceof DecoderException || e instanceof TooLongFrameException) {
            // The decoder discards everything after a packet it could not read: start afresh.
            LOG.error("Could not read a packet from the MQTT broker at {} ({}); reconnecting", settings.brokerUrl(),
                    e.getMessage());
            connection.closing("could not read a packet from the MQTT broker at " + settings.brokerUrl() + " ("
                    + e.getMessage() + ")");
            hangUp(connection);
        } else {
            LOG.warn("MQTT connection to {}: {}", settings.brokerUrl(), e.toString());
        }
    }

    private void closed(Connection connection) {
        if (connection != current) {
            return;
        }
        current = null;
        resting = false; // the next connection subscribes to everything
        if (ready && connection.why == null) {
            losses.increment();
        }
        ready = false;
        boolean held = holding;
        holding = false;
        if (paused && held) {
            // Lost while reading nothing (a write found it gone): what it took is still on its way to the store, and
            // the broker sends it again on the next connection. Connecting once that is stored (drained) keeps the
            // copies from piling up in memory.
            LOG.warn("Lost the connection to the MQTT broker at {} while intake was paused; connecting again once "
                    + "what was taken is stored", settings.brokerUrl());
            return;
        }
        if (paused && connection.draining) {
            // Lost while draining: what it had taken is resent by the broker; start afresh after the pause.
            retryTimer = vertx.setTimer(RESUME_AFTER_MS, id -> {
                paused = false;
                connect();
            });
            return;
        }
        if (!stopped && !paused) {
            retry(connection.why != null ? connection.why : "lost the connection to the MQTT broker at "
                    + settings.brokerUrl());
        }
    }

    /** @param why a sentence for /health and the log */
    private void retry(String why) {
        if (stopped || paused) {
            return;
        }
        problem = why + "; retrying";
        LOG.warn("{}; retrying in {} ms", why, retryMs);
        retryTimer = vertx.setTimer(retryMs, id -> connect());
        retryMs = Math.min(MAX_RETRY_MS, retryMs * 2);
    }

    private static final class Connection {
        final MqttClient client;
        /** QoS 1 messages received and not yet acknowledged, in the order the broker sent them. */
        final InOrderAcks<MqttPublishMessage> acks;
        /** QoS 1 messages sent on it and not yet acknowledged by the broker. */
        int inFlight;
        /** Why the collector itself is closing it, as a sentence, if it is. */
        String why;
        /** Paused: messages that arrive now are left unacknowledged, and it closes once the earlier ones are. */
        boolean draining;
        /** When it last stopped reading from its socket ({@link BrokerLink#pause}; System.nanoTime). */
        long heldSince;
        /** When it last acknowledged a message (System.nanoTime). */
        long lastAck;

        Connection(MqttClient client, BrokerLink link) {
            this.client = client;
            this.acks = new InOrderAcks<>(System::nanoTime, message -> {
                if (this == link.current && client.isConnected()) {
                    lastAck = System.nanoTime();
                    try {
                        message.ack();
                    } catch (RuntimeException e) {
                        // Never expected (each message is acknowledged once); the ones after it must still go.
                        LOG.warn("Could not acknowledge message {} to the MQTT broker: {}", message.messageId(),
                                e.toString());
                    }
                }
            });
        }

        void closing(String sentence) {
            why = sentence;
        }

        /** Stops reading from the socket; false when it cannot be reached. */
        boolean holdReads() {
            NetSocket socket = SocketReads.of(client);
            if (socket == null) {
                return false;
            }
            socket.pause();
            heldSince = System.nanoTime();
            return true;
        }

        void resumeReads() {
            NetSocket socket = SocketReads.of(client);
            if (socket != null) {
                socket.resume();
            }
        }
    }
}
