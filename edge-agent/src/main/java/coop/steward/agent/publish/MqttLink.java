package coop.steward.agent.publish;

import coop.steward.config.MqttSettings;
import coop.steward.protocol.Channel;
import coop.steward.protocol.ConfigAck;
import coop.steward.protocol.SeqRange;
import coop.steward.protocol.StatusMessage;
import coop.steward.protocol.Topics;
import coop.steward.protocol.Untrusted;
import coop.steward.protocol.WireJson;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's connection to the broker: a persistent session (so acks wait for us while we are away), a
 * retained Last Will {@code offline} on the status topic, a retained {@code online} on every connect, and
 * reconnection with back-off, including when the very first connection fails.
 */
public final class MqttLink implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MqttLink.class);
    private static final long MAX_RECONNECT_DELAY_MS = 30_000;
    /**
     * Messages handed to the broker and not yet PUBACKed. Enough for a replay to keep a slow link busy (2,500
     * messages a second over a 50 ms round trip need 125); Paho holds their payloads, so not more.
     */
    static final int MAX_INFLIGHT = 256;
    /** Of those, kept free of readings so that status and acks never wait behind a replay. */
    private static final int RESERVED_INFLIGHT = 16;
    /**
     * The largest message read on each topic; a larger one is dropped unread. Anyone on the broker can publish to
     * them, and the agent runs in a heap of 16 MiB. The example configs take 1 to 4 KiB, and 64 sensors with a
     * 32-point calibration table each under 48 KiB; a command is a line; an ack holds thousands of ranges.
     */
    static final int MAX_CONFIG_BYTES = 64 * 1024;
    static final int MAX_CMD_BYTES = 4 * 1024;
    static final int MAX_ACK_BYTES = 64 * 1024;
    /** Of a topic or a parser's complaint about a payload, what goes into a log line. */
    private static final int MAX_LOGGED = 200;

    /** What the link needs from the agent. */
    public interface Listener {
        /** Called on every (re)connection, after the ack subscription is made. */
        void connected();

        void acknowledged(List<SeqRange> ranges);

        StatusMessage status();

        /** A config arrived on {@code .../config}; {@code retained} when the broker sent it on subscribing. */
        default void configArrived(byte[] payload, boolean retained) {
        }

        /** The broker took a message (PUBACK): there is room in the in-flight window again. */
        default void delivered() {
        }

        /** A command arrived on {@code .../cmd}, on Paho's thread; {@code retained} when the broker kept it. */
        default void commandArrived(byte[] payload, boolean retained) {
        }

        /** A message on {@code .../cmd} was not read; {@code reason} is the sentence its cmd/ack gives. */
        default void commandRefused(String reason) {
        }

        /** The connection to the broker broke (not a clean close); Paho reconnects by itself. */
        default void connectionLost() {
        }
    }

    private final String site;
    private final String device;
    private final MqttAsyncClient client;
    private final MqttConnectOptions options;
    private final Listener listener;
    private volatile boolean closed;
    /**
     * Connections whose subscriptions the broker confirmed: only then can acks, configs and commands arrive. -1
     * until the first: Paho says it is connected a moment before {@code connectComplete} counts the session.
     */
    private final AtomicInteger subscribedSession = new AtomicInteger(-1);
    private final AtomicInteger session = new AtomicInteger();
    private long reconnectDelayMs = 500;

    /**
     * @param mqtt  the broker
     * @param login who to log in as
     * @throws IllegalArgumentException naming what is wrong with the address or the TLS files
     */
    public MqttLink(MqttSettings mqtt, MqttLogin login, String site, String device, Listener listener) {
        this.site = site;
        this.device = device;
        this.listener = listener;
        // A broker with Steward's identities replaces this with the user name, so that no one else can take it.
        String clientId = "steward-agent-" + site + "-" + device;
        try {
            this.client = new MqttAsyncClient(mqtt.url(), clientId, new MemoryPersistence());
        } catch (MqttException e) {
            throw new IllegalArgumentException("cannot use MQTT broker URL '" + mqtt.url() + "': " + e.getMessage(), e);
        }
        options = new MqttConnectOptions();
        if (mqtt.usesTls()) {
            options.setSocketFactory(PemTls.context(mqtt.tls()).getSocketFactory());
            options.setHttpsHostnameVerificationEnabled(true);
        }
        int keepAliveSeconds = mqtt.keepAliveSeconds();
        String username = login.username();
        String password = login.password();
        options.setCleanSession(false);
        options.setAutomaticReconnect(true);
        options.setMaxReconnectDelay((int) MAX_RECONNECT_DELAY_MS);
        options.setKeepAliveInterval(keepAliveSeconds);
        options.setConnectionTimeout(10);
        options.setMaxInflight(MAX_INFLIGHT);
        options.setWill(Topics.status(site, device), WireJson.encode(StatusMessage.lastWill()), 1, true);
        if (username != null) {
            options.setUserName(username);
        }
        if (password != null) {
            options.setPassword(password.toCharArray());
        }
        client.setCallback(new Callback());
    }

    public void start() {
        connect();
    }

    public boolean isConnected() {
        return client.isConnected() && subscribedSession.get() == session.get();
    }

    /** Hands a readings message to the broker; false when it cannot take it now (it is then sent later). */
    public boolean publishReadings(byte[] payload) {
        if (client.getInFlightMessageCount() >= MAX_INFLIGHT - RESERVED_INFLIGHT) {
            return false;
        }
        return publish(Topics.readings(site, device), payload, false);
    }

    public boolean publishStatus(StatusMessage status) {
        return publish(Topics.status(site, device), WireJson.encode(status), true);
    }

    public boolean publishConfigAck(ConfigAck ack) {
        return publish(Topics.device(site, device, Channel.CONFIG_ACK), WireJson.encode(ack), false);
    }

    public boolean publishCommandAck(byte[] payload) {
        return publish(Topics.device(site, device, Channel.CMD_ACK), payload, false);
    }

    private boolean publish(String topic, byte[] payload, boolean retained) {
        if (!client.isConnected()) {
            return false;
        }
        try {
            client.publish(topic, payload, 1, retained);
            return true;
        } catch (MqttException e) {
            return false;
        }
    }

    private void connect() {
        if (closed) {
            return;
        }
        try {
            client.connect(options, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    reconnectDelayMs = 500;
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                    retryFirstConnect(e);
                }
            });
        } catch (MqttException e) {
            retryFirstConnect(e);
        }
    }

    /** Paho reconnects by itself only after a first success; until then we retry here. */
    private void retryFirstConnect(Throwable e) {
        if (closed) {
            return;
        }
        LOG.warn("{}/{}: cannot reach the MQTT broker ({}); retrying in {} ms", site, device, e.getMessage(),
                reconnectDelayMs);
        long delay = reconnectDelayMs;
        reconnectDelayMs = Math.min(MAX_RECONNECT_DELAY_MS, reconnectDelayMs * 2);
        Thread retry = new Thread(() -> {
            try {
                Thread.sleep(delay);
                connect();
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }, "steward-agent-connect");
        retry.setDaemon(true);
        retry.start();
    }

    private final class Callback implements MqttCallbackExtended {
        @Override
        public void connectComplete(boolean reconnect, String serverUri) {
            LOG.info("{}/{}: connected to {}{}", site, device, serverUri, reconnect ? " again" : "");
            int current = session.incrementAndGet();
            try {
                client.subscribe(new String[] {Topics.readingsAck(site, device),
                        Topics.device(site, device, Channel.CONFIG), Topics.device(site, device, Channel.CMD)},
                        new int[] {1, 1, 1}, null, new IMqttActionListener() {
                            @Override
                            public void onSuccess(IMqttToken token) {
                                subscribedSession.set(current);
                                listener.connected(); // now acks can come back: send what waits
                            }

                            @Override
                            public void onFailure(IMqttToken token, Throwable e) {
                                LOG.error("{}/{}: the broker refused the subscriptions to acks, config and commands: "
                                        + "{}", site, device, e.getMessage());
                            }
                        });
            } catch (MqttException e) {
                LOG.error("{}/{}: cannot subscribe to acks, config and commands: {}", site, device, e.getMessage());
            }
            publishStatus(listener.status());
        }

        @Override
        public void connectionLost(Throwable cause) {
            session.incrementAndGet();
            listener.connectionLost();
            LOG.warn("{}/{}: lost the broker ({}); reconnecting", site, device,
                    cause == null ? "no reason given" : cause.getMessage());
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            try {
                dispatch(topic, message);
            } catch (RuntimeException e) {
                // Paho drops the connection when this throws, and the broker would hand the message back for ever.
                LOG.error("{}/{}: could not handle a message on {}; it is dropped", site, device,
                        Untrusted.cut(topic, MAX_LOGGED), e);
            }
        }

        private void dispatch(String topic, MqttMessage message) {
            byte[] payload = message.getPayload();
            if (topic.equals(Topics.device(site, device, Channel.CONFIG))) {
                if (tooLarge(topic, payload, MAX_CONFIG_BYTES)) {
                    publishConfigAck(ConfigAck.rejected(ConfigAck.hashOf(payload), List.of(topic + ": the config "
                            + "is " + payload.length + " bytes; a device reads at most " + MAX_CONFIG_BYTES
                            + " bytes (64 KiB): leave out comments or split the device")));
                    return;
                }
                listener.configArrived(payload, message.isRetained());
                return;
            }
            if (topic.equals(Topics.device(site, device, Channel.CMD))) {
                if (tooLarge(topic, payload, MAX_CMD_BYTES)) {
                    listener.commandRefused("the command is " + payload.length + " bytes; a device reads at most "
                            + MAX_CMD_BYTES + " bytes (4 KiB) of a command");
                    return;
                }
                listener.commandArrived(payload, message.isRetained());
                return;
            }
            if (tooLarge(topic, payload, MAX_ACK_BYTES)) {
                return;
            }
            try {
                listener.acknowledged(WireJson.decodeAck(payload));
            } catch (IllegalArgumentException e) {
                // The parser's complaint quotes the payload.
                LOG.warn("{}/{}: ignoring a malformed ack on {}: {}", site, device, Untrusted.cut(topic, MAX_LOGGED),
                        Untrusted.cut(e.getMessage(), MAX_LOGGED));
            }
        }

        private boolean tooLarge(String topic, byte[] payload, int max) {
            if (payload.length <= max) {
                return false;
            }
            LOG.warn("{}/{}: dropped a message of {} bytes on {} unread: at most {} bytes are read there", site, device,
                    payload.length, Untrusted.cut(topic, MAX_LOGGED), max);
            return true;
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
            // A PUBACK says only that the broker took it; the outbox waits for the collector's ack.
            listener.delivered();
        }
    }

    /** Says goodbye: a retained {@code offline}, since a clean disconnect does not fire the Last Will. */
    @Override
    public void close() {
        closed = true;
        try {
            if (client.isConnected()) {
                client.publish(Topics.status(site, device), WireJson.encode(StatusMessage.lastWill()), 1, true)
                        .waitForCompletion(2_000);
                client.disconnect(2_000).waitForCompletion(3_000);
            }
        } catch (MqttException e) {
            LOG.debug("{}/{}: disconnect failed: {}", site, device, e.getMessage());
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            LOG.debug("{}/{}: close failed: {}", site, device, e.getMessage());
        }
    }
}
