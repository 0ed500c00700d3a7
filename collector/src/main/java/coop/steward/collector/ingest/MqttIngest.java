package coop.steward.collector.ingest;

import coop.steward.collector.presence.Presence;
import coop.steward.collector.store.DeviceStatus;
import coop.steward.collector.store.ReadingStore;
import coop.steward.protocol.Channel;
import coop.steward.protocol.DecodedReadings;
import coop.steward.protocol.DeviceTopic;
import coop.steward.protocol.Ids;
import coop.steward.protocol.ProtocolJson;
import coop.steward.protocol.Reading;
import coop.steward.protocol.ReadingsDecoder;
import coop.steward.protocol.Reason;
import coop.steward.protocol.Rejection;
import coop.steward.protocol.SeqRange;
import coop.steward.protocol.StatusMessage;
import coop.steward.protocol.Topics;
import coop.steward.protocol.WireJson;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes readings and status messages from the broker, validates them, hands them to the store, and
 * acknowledges each MQTT message only after its readings are committed. Confirms handled messages to their
 * agents on {@code readings/ack}. The MQTT session is persistent, so the broker keeps what arrives while the
 * collector is down or slow.
 */
public final class MqttIngest {
    /** Event-bus address of one event per stored message, for the SSE stream; its body is the event's JSON text. */
    public static final String READING_EVENTS = "steward.reading";
    private static final Logger LOG = LoggerFactory.getLogger(MqttIngest.class);
    private static final long ACK_INTERVAL_MS = 200;

    private final Vertx vertx;
    private final IngestSettings settings;
    private final Clock clock;
    private final ReadingsDecoder decoder;
    private final RejectionLog rejections;
    private final Presence presence;
    private final BatchWriter writer;
    private final CommitListener listener;
    private final Outgoing outgoing = new Outgoing();
    private final AckCoalescer acks = new AckCoalescer();
    private final AtomicLong session = new AtomicLong();
    private final Counter received;
    private final Counter gaps;
    private final Map<AckCoalescer.Device, Long> lastSeq = new java.util.concurrent.ConcurrentHashMap<>();
    /** Stream clients listening: with none, no reading event is written (it cost about 5 % of a core at 130k/s). */
    private final AtomicInteger readingListeners = new AtomicInteger();
    private MqttAsyncClient client;
    private long ackTimer = -1;
    private long reconnectDelayMs = 500;
    private volatile boolean stopped;

    public MqttIngest(Vertx vertx, IngestSettings settings, ReadingStore store, MeterRegistry registry,
                      RejectionLog rejections, Presence presence, Clock clock) {
        this(vertx, settings, store, registry, rejections, presence, clock, CommitListener.NONE);
    }

    /** @param listener told about every committed batch (the alert rules) */
    public MqttIngest(Vertx vertx, IngestSettings settings, ReadingStore store, MeterRegistry registry,
                      RejectionLog rejections, Presence presence, Clock clock, CommitListener listener) {
        this.listener = listener;
        this.presence = presence;
        this.vertx = vertx;
        this.settings = settings;
        this.clock = clock;
        this.decoder = new ReadingsDecoder(clock);
        this.rejections = rejections;
        this.writer = new BatchWriter(vertx, store, registry, settings.maxPendingMessages(),
                settings.maxReadingsPerTransaction(), this::committed);
        this.received = Counter.builder("steward.messages.received").description("MQTT messages received")
                .register(registry);
        Gauge.builder("steward.stream.clients", readingListeners, AtomicInteger::get)
                .description("Clients connected to the event stream, /api/v1/stream").register(registry);
        this.gaps = Counter.builder("steward.seq.gaps")
                .description("Messages missing between two seq numbers of a device (lost or not yet resent)")
                .register(registry);
    }

    /** Connects in the background: a broker that is not up yet is retried with back-off, never fatal. */
    public Future<Void> start() {
        try {
            client = new MqttAsyncClient(settings.brokerUrl(), settings.clientId(), new MemoryPersistence());
        } catch (MqttException e) {
            return Future.failedFuture(new IllegalArgumentException("cannot use MQTT broker URL '"
                    + settings.brokerUrl() + "': " + e.getMessage(), e));
        }
        client.setManualAcks(true);
        client.setCallback(new Callback());
        ackTimer = vertx.setPeriodic(ACK_INTERVAL_MS, id -> publishAcks());
        connect();
        return Future.succeededFuture();
    }

    /**
     * A client starts listening for reading events on {@link #READING_EVENTS}: they are written only while one
     * does. Run what this returns when it leaves.
     */
    public Runnable listenToReadings() {
        readingListeners.incrementAndGet();
        AtomicBoolean left = new AtomicBoolean();
        return () -> {
            if (left.compareAndSet(false, true)) {
                readingListeners.decrementAndGet();
            }
        };
    }

    public boolean isConnected() {
        return client != null && client.isConnected();
    }

    public String brokerUrl() {
        return settings.brokerUrl();
    }

    /**
     * Publishes a message of the collector's own (an alert) without blocking, QoS 1. A retained one that cannot go
     * out now is kept, the latest per topic, and sent when the broker is back.
     */
    public void publish(String topic, byte[] payload, boolean retained) {
        outgoing.publish(client, topic, payload, retained);
    }

    /** Why the store is refusing writes right now, or null. */
    public String storeError() {
        return writer.lastError();
    }

    private void connect() {
        if (stopped) {
            return;
        }
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(false);
        options.setAutomaticReconnect(true);
        options.setMaxReconnectDelay(10_000);
        options.setKeepAliveInterval(30);
        options.setConnectionTimeout(10);
        options.setMaxInflight(1_000);
        if (settings.username() != null) {
            options.setUserName(settings.username());
        }
        if (settings.password() != null) {
            options.setPassword(settings.password().toCharArray());
        }
        try {
            client.connect(options, null, new org.eclipse.paho.client.mqttv3.IMqttActionListener() {
                @Override
                public void onSuccess(org.eclipse.paho.client.mqttv3.IMqttToken token) {
                    reconnectDelayMs = 500;
                }

                @Override
                public void onFailure(org.eclipse.paho.client.mqttv3.IMqttToken token, Throwable e) {
                    retryConnect(e);
                }
            });
        } catch (MqttException e) {
            retryConnect(e);
        }
    }

    private void retryConnect(Throwable e) {
        if (stopped) {
            return;
        }
        LOG.warn("Cannot connect to the MQTT broker at {} ({}); retrying in {} ms", settings.brokerUrl(),
                e.getMessage(), reconnectDelayMs);
        vertx.setTimer(reconnectDelayMs, id -> connect());
        reconnectDelayMs = Math.min(10_000, reconnectDelayMs * 2);
    }

    private final class Callback implements MqttCallbackExtended {
        @Override
        public void connectComplete(boolean reconnect, String serverUri) {
            session.incrementAndGet();
            LOG.info("Connected to the MQTT broker at {}{}", serverUri, reconnect ? " (again)" : "");
            try {
                client.subscribe(new String[] {Topics.ALL_READINGS, Topics.ALL_STATUS}, new int[] {1, 1});
            } catch (MqttException e) {
                LOG.error("Cannot subscribe to {} and {} at {}: {}", Topics.ALL_READINGS, Topics.ALL_STATUS,
                        serverUri, e.getMessage());
            }
            outgoing.flush(client);
        }

        @Override
        public void connectionLost(Throwable cause) {
            session.incrementAndGet();
            LOG.warn("Lost the MQTT broker at {} ({}); reconnecting", settings.brokerUrl(),
                    cause == null ? "no reason given" : cause.getMessage());
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) throws InterruptedException {
            received.increment();
            writer.submit(toDelivery(topic, message));
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
            // Our own acks: losing one only makes an agent resend, which the store de-duplicates.
        }
    }

    private Delivery toDelivery(String topic, MqttMessage message) {
        long now = clock.millis();
        long current = session.get();
        DeviceTopic parsed = Topics.parse(topic).orElse(null);
        if (parsed != null && parsed.channel() == Channel.STATUS) {
            return new Delivery(topic, message.getId(), message.getQos(), current, now, null,
                    status(topic, parsed, message.getPayload(), now));
        }
        DecodedReadings decoded = decoder.decode(topic, message.getPayload());
        if (!decoded.rejections().isEmpty()) {
            rejections.record(now, topic, decoded.rejections());
        }
        return new Delivery(topic, message.getId(), message.getQos(), current, now, decoded, null);
    }

    private DeviceStatus status(String topic, DeviceTopic parsed, byte[] payload, long now) {
        if (payload.length == 0) {
            return null; // an empty retained message clears the topic; it says nothing about the device
        }
        if (!parsed.hasValidIds()) {
            rejections.record(now, topic, List.of(new Rejection(Reason.BAD_TOPIC, "topic '" + topic
                    + "' has a site or device id that is not valid")));
            return null;
        }
        try {
            StatusMessage status = ProtocolJson.decodeStatus(payload);
            // The status's own time, not arrival: the broker re-sends retained statuses on every reconnect.
            // A Last Will has no time and leaves last-seen as it was.
            Long seen = status.t() == null ? null : Math.min(status.t(), now);
            return new DeviceStatus(parsed.site(), parsed.device(), status.state(), seen, status.outbox());
        } catch (IllegalArgumentException e) {
            rejections.record(now, topic, List.of(new Rejection(Reason.BAD_STATUS, e.getMessage())));
            return null;
        }
    }

    /** Runs once a batch is committed: acknowledge to the broker, confirm to agents, tell the dashboard and alerts. */
    private void committed(List<Delivery> batch) {
        long current = session.get();
        List<DecodedReadings> stored = new ArrayList<>();
        List<DeviceStatus> statuses = new ArrayList<>();
        for (Delivery d : batch) {
            notePresence(d);
            if (d.qos() > 0 && d.session() == current) {
                try {
                    client.messageArrivedComplete(d.messageId(), d.qos());
                } catch (MqttException e) {
                    // The connection dropped: the broker redelivers, and the store keeps one copy.
                    LOG.debug("Could not acknowledge message {} on {}: {}", d.messageId(), d.topic(), e.getMessage());
                }
            }
            DecodedReadings readings = d.readings();
            if (readings != null && readings.seq().isPresent()) {
                long seq = readings.seq().getAsLong();
                acks.add(readings.site(), readings.device(), seq);
                countGap(readings.site(), readings.device(), seq);
            }
            if (readings != null && !readings.readings().isEmpty()) {
                if (readingListeners.get() > 0) {
                    vertx.eventBus().publish(READING_EVENTS, readingEvent(readings));
                }
                stored.add(readings);
            }
            if (d.status() != null) {
                statuses.add(d.status());
            }
        }
        if (!stored.isEmpty() || !statuses.isEmpty()) {
            listener.committed(stored, statuses);
        }
    }

    private void notePresence(Delivery d) {
        if (d.status() != null) {
            presence.heard(d.status().site(), d.status().device(), d.receivedAt());
        } else if (d.readings() != null && Ids.isValid(d.readings().site()) && Ids.isValid(d.readings().device())) {
            presence.heard(d.readings().site(), d.readings().device(), d.receivedAt());
        }
    }

    /** Counts seq numbers skipped going forward; resends of older messages neither count nor move the mark. */
    private void countGap(String site, String device, long seq) {
        long[] skipped = {0};
        lastSeq.compute(new AckCoalescer.Device(site, device), (key, previous) -> {
            if (previous == null) {
                return seq;
            }
            if (seq > previous + 1) {
                skipped[0] = seq - previous - 1;
            }
            return Math.max(previous, seq);
        });
        if (skipped[0] > 0) {
            gaps.increment(skipped[0]);
        }
    }

    /** Written straight to JSON text: a tree of JSON objects per message cost several per cent of ingest. */
    private static String readingEvent(DecodedReadings decoded) {
        byte[] json = WireJson.write(out -> {
            out.writeStartObject();
            out.writeStringField("site", decoded.site());
            out.writeStringField("device", decoded.device());
            out.writeArrayFieldStart("readings");
            for (Reading r : decoded.readings()) {
                out.writeStartObject();
                WireJson.readingFields(out, r);
                out.writeStringField("unit", r.unit());
                out.writeEndObject();
            }
            out.writeEndArray();
            out.writeEndObject();
        });
        return new String(json, StandardCharsets.UTF_8);
    }

    private void publishAcks() {
        if (!isConnected()) {
            return;
        }
        outgoing.flush(client);
        Map<AckCoalescer.Device, List<SeqRange>> drained = acks.drain();
        drained.forEach((device, ranges) -> {
            try {
                client.publish(Topics.readingsAck(device.site(), device.device()), ProtocolJson.encodeAck(ranges), 1,
                        false);
            } catch (MqttException e) {
                // Too many in flight or disconnected: keep them for the next round.
                ranges.forEach(r -> {
                    for (long s = r.from(); s <= r.to(); s++) {
                        acks.add(device.site(), device.device(), s);
                    }
                });
            }
        });
    }

    public Future<Void> stop() {
        stopped = true;
        if (ackTimer >= 0) {
            vertx.cancelTimer(ackTimer);
        }
        Promise<Void> done = Promise.promise();
        vertx.executeBlocking(() -> {
            if (client != null) {
                try {
                    if (client.isConnected()) {
                        client.disconnect(2_000).waitForCompletion(3_000);
                    }
                } catch (MqttException e) {
                    LOG.debug("Disconnect from {} failed: {}", settings.brokerUrl(), e.getMessage());
                }
                try {
                    client.close(true);
                } catch (MqttException e) {
                    LOG.debug("Closing the MQTT client failed: {}", e.getMessage());
                }
            }
            writer.close();
            return null;
        }).onComplete(ar -> done.complete());
        return done.future();
    }
}
