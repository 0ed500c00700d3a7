package coop.steward.collector.ingest;

import coop.steward.collector.config.Limits;
import coop.steward.collector.hub.HubSites;
import coop.steward.collector.presence.HealthReports;
import coop.steward.collector.presence.Presence;
import coop.steward.collector.store.DeviceReadings;
import coop.steward.collector.store.DeviceStatus;
import coop.steward.collector.store.ReadingStore;
import coop.steward.protocol.DecodedReadings;
import coop.steward.protocol.ProtocolJson;
import coop.steward.protocol.ReadingsDecoder;
import coop.steward.protocol.SeqRange;
import coop.steward.protocol.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes readings and status messages from the broker, validates them, hands them to the store, and acknowledges
 * each MQTT message only after its readings are committed. Confirms handled messages to their agents on
 * {@code readings/ack}. The MQTT session is persistent, so the broker keeps what arrives while the collector is down
 * or slow. A verticle of its own, so that all of this runs on one event loop and needs no locks.
 */
public final class MqttIngest extends VerticleBase {
    /** Event-bus address of one event per stored message, for the SSE stream; its body is the event's JSON text. */
    public static final String READING_EVENTS = "steward.reading";
    private static final Logger LOG = LoggerFactory.getLogger(MqttIngest.class);
    private static final long ACK_INTERVAL_MS = 200;
    /**
     * How far past {@code maxPendingBytes} a hub group's member lets what it holds grow (resting: what the broker had
     * already given it; not resting: what it takes on) before it pauses as a lone collector does.
     */
    private static final int REST_LIMIT_FACTOR = 4;

    private final IngestSettings settings;
    private final ReadingStore store;
    private final MeterRegistry registry;
    private final Presence presence;
    private final HealthReports health;
    private final Clock clock;
    private final CommitListener listener;
    private final Limits limits;
    private final RejectionLog rejections;
    private final HubSites hub;
    private final AckGate gate;
    private final ReadingEvents events;
    private final AckCoalescer acks = new AckCoalescer();
    private final Map<AckCoalescer.Device, Long> lastSeq = new HashMap<>();
    private final Counter received;
    private final Counter gaps;
    private Census census;
    private Intake intake;
    private BrokerLink link;
    private BatchWriter writer;
    private long ackTimer = -1;
    private long pendingBytes;
    /** Committed batches whose acknowledgements wait for the {@link AckGate}. */
    private int gated;
    private HubTraffic group;

    /** With the default {@link Limits}. */
    public MqttIngest(IngestSettings settings, ReadingStore store, MeterRegistry registry, RejectionLog rejections,
                      Presence presence, HealthReports health, Clock clock, CommitListener listener) {
        this(settings, Limits.DEFAULT, store, registry, rejections, presence, health, clock, listener);
    }

    /**
     * @param limits   how many devices and series are kept: what the store holds, and new ones while there is room
     * @param health   where the devices' latest status reports go
     * @param listener told about every committed batch (the alert rules)
     */
    public MqttIngest(IngestSettings settings, Limits limits, ReadingStore store, MeterRegistry registry,
                      RejectionLog rejections, Presence presence, HealthReports health, Clock clock,
                      CommitListener listener) {
        this(settings, limits, store, registry, rejections, presence, health, clock, listener, null, AckGate.NONE);
    }

    /**
     * @param hub  where the reports of sites that forward to this collector go; null unless it serves as a hub
     * @param gate what committed readings wait for before they are acknowledged (a site's forwarding to its hub)
     */
    public MqttIngest(IngestSettings settings, Limits limits, ReadingStore store, MeterRegistry registry,
                      RejectionLog rejections, Presence presence, HealthReports health, Clock clock,
                      CommitListener listener, HubSites hub, AckGate gate) {
        this.settings = settings;
        this.hub = hub;
        this.gate = gate;
        this.limits = limits;
        this.rejections = rejections;
        this.store = store;
        this.registry = registry;
        this.presence = presence;
        this.health = health;
        this.clock = clock;
        this.listener = listener;
        this.events = new ReadingEvents(registry);
        this.received = Counter.builder("steward.messages.received").description("MQTT messages received")
                .register(registry);
        this.gaps = Counter.builder("steward.seq.gaps")
                .description("Messages missing between two seq numbers of a device (lost or not yet resent)")
                .register(registry);
    }

    /**
     * Before deployment: at a hub whose collectors share one broker, takes devices' messages through the group's
     * shared subscriptions, and hands the group's own traffic to {@code traffic}.
     */
    public MqttIngest sharingLoadWith(HubTraffic traffic) {
        this.group = traffic;
        return this;
    }

    /**
     * Learns which devices and series the store holds, then connects in the background: a broker that is not up yet
     * is retried with back-off, never fatal.
     */
    @Override
    public Future<?> start() {
        return vertx.executeBlocking(() -> Census.of(limits, store.devices(), store.sensors())).map(known -> {
            census = known;
            registerCensusGauges();
            intake = new Intake(new ReadingsDecoder(clock), rejections, census, hub);
            writer = new BatchWriter(vertx, store, registry,
                    Math.min(settings.maxReadingsPerTransaction(), store.readingsPerWrite()), this::committed);
            List<String> topics = new ArrayList<>();
            String shared = group == null ? "" : "$share/" + group.group() + "/";
            topics.addAll(List.of(shared + Topics.ALL_READINGS, shared + Topics.ALL_STATUS));
            if (hub != null) {
                topics.add(Topics.ALL_FORWARD_REPORTS); // every collector of a hub shows every site's link
            }
            if (group != null) {
                topics.addAll(group.topics());
            }
            link = new BrokerLink(vertx, settings, topics, registry, this::received);
            if (group != null) {
                link.announce(group.announceTopic(), "{\"v\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            ackTimer = vertx.setPeriodic(ACK_INTERVAL_MS, id -> {
                if (group != null) {
                    group.linkReady(link.isReady());
                }
                publishAcks();
            });
            link.start();
            return null;
        });
    }

    private void registerCensusGauges() {
        Gauge.builder("steward.devices.known", census, Census::devices)
                .description("Devices the collector keeps; new ones past steward_devices_max are refused")
                .register(registry);
        Gauge.builder("steward.devices.max", limits, Limits::maxDevices)
                .description("The most devices the collector keeps (store.maxDevices)").register(registry);
        Gauge.builder("steward.series.known", census, Census::series)
                .description("Series the collector keeps; new ones past steward_series_max are refused")
                .register(registry);
        Gauge.builder("steward.series.max", limits, Limits::maxSeries)
                .description("The most series the collector keeps (store.maxSeries)").register(registry);
    }

    @Override
    public Future<?> stop() {
        if (link == null) {
            return Future.succeededFuture(); // it never started
        }
        vertx.cancelTimer(ackTimer);
        return link.stop().eventually(() -> {
            writer.close();
            return Future.succeededFuture();
        });
    }

    /**
     * A client starts listening for reading events on {@link #READING_EVENTS}: they are written only while one
     * does. Run what this returns when it leaves.
     */
    public Runnable listenToReadings() {
        return events.listen();
    }

    /** True while messages can arrive: connected to the broker and subscribed. */
    public boolean isConnected() {
        return link != null && link.isReady() && !link.holdsReads();
    }

    /** True while intake waits for the store to catch up; the broker keeps what arrives meanwhile. */
    public boolean isPaused() {
        return link != null && link.isPaused();
    }

    /** Why messages cannot arrive now, as a sentence for /health, or null while they can. */
    public String brokerProblem() {
        return link == null ? "starting" : link.problem();
    }

    /**
     * Sends a message that is not retained now, QoS 1; false when it cannot go out now (the link is down, or too much
     * is in flight). On ingest's context only.
     */
    public boolean sendNow(String topic, byte[] payload) {
        return link != null && link.isReady() && link.send(topic, payload);
    }

    /**
     * Publishes a message of the collector's own (an alert) without blocking, QoS 1. A retained one that cannot go
     * out now is kept, the latest per topic, and sent when the broker is back. Safe from any thread.
     */
    public void publish(String topic, byte[] payload, boolean retained) {
        context.runOnContext(v -> link.publish(topic, payload, retained));
    }

    /** Why the store is refusing writes right now, or null. */
    public String storeError() {
        return writer == null ? null : writer.lastError();
    }

    private void received(BrokerLink.Message message) {
        if (group != null && group.takes(message.topic())) {
            try {
                group.heard(message.topic(), message.payload());
            } catch (RuntimeException e) {
                LOG.warn("Ignoring a hub group message on {} that could not be read: {}", message.topic(),
                        e.toString());
            } finally {
                message.ack().send();
            }
            return;
        }
        received.increment();
        long now = clock.millis();
        int pending = writer.pending();
        if (message.qos() == 0 && pending >= settings.maxPendingMessages()) {
            intake.shed(message, now, pending);
            return;
        }
        Delivery delivery = intake.read(message, now);
        pendingBytes += delivery.bytes();
        // Never on the first message waiting: one message alone always gets through.
        if (pendingBytes > settings.maxPendingBytes() && pending > 0) {
            String why = (pendingBytes >> 20) + " MiB of messages wait for the store";
            // A hub group's member rests while another takes the messages, and otherwise takes on; only far past the
            // limit does it pause as a lone collector would. Not sooner when it seems alone: just after a reconnect it
            // has not heard the others yet, and pausing then (both members of a group at once, in the scale bench)
            // threw away what the broker held for it.
            if (group != null && !link.isResting() && group.mayRest()) {
                link.rest(why);
            }
            if (group == null || pendingBytes > REST_LIMIT_FACTOR * settings.maxPendingBytes()) {
                link.pause(why);
            }
        }
        writer.submit(delivery);
    }

    /**
     * Runs once a batch is committed: tell the dashboard and alerts, then, once the {@link AckGate} lets it,
     * acknowledge to the broker and confirm to agents.
     */
    private void committed(List<Delivery> batch) {
        List<DecodedReadings> stored = new ArrayList<>();
        List<DeviceReadings> gatedReadings = new ArrayList<>();
        List<DeviceStatus> statuses = new ArrayList<>();
        for (Delivery d : batch) {
            pendingBytes -= d.bytes();
            notePresence(d);
            DecodedReadings readings = d.readings();
            if (readings != null && readings.seq().isPresent() && census.knows(readings.site(), readings.device())) {
                countGap(readings.site(), readings.device(), readings.seq().getAsLong());
            }
            if (readings != null && !readings.readings().isEmpty()) {
                events.stored(vertx.eventBus(), readings);
                stored.add(readings);
                if (gate != AckGate.NONE) {
                    gatedReadings.add(new DeviceReadings(readings.site(), readings.device(), readings.readings(),
                            d.receivedAt()));
                }
            }
            if (d.status() != null) {
                statuses.add(d.status());
            }
        }
        if (pendingBytes <= settings.maxPendingBytes() / 2) {
            link.caughtUp(); // reading on while half is still waiting, so that the store has work meanwhile
        }
        if (!stored.isEmpty() || !statuses.isEmpty()) {
            listener.committed(stored, statuses);
        }
        Future<Void> open = gatedReadings.isEmpty() ? Future.succeededFuture() : gate.beforeAck(gatedReadings);
        if (open.isComplete()) {
            released(batch, open.succeeded());
            return;
        }
        gated++;
        // The gate completes on its own context: back to this one, where all of ingest's state lives.
        open.onComplete(ar -> context.runOnContext(v -> {
            gated--;
            released(batch, ar.succeeded());
        }));
    }

    /** Unless the gate failed (then the broker and the agents send it again), acknowledges the batch. */
    private void released(List<Delivery> batch, boolean succeeded) {
        if (succeeded) {
            acknowledge(batch);
        } else {
            batch.forEach(d -> d.ack().leave());
        }
        if (writer.pending() == 0 && gated == 0) {
            link.drained();
        }
    }

    private void acknowledge(List<Delivery> batch) {
        for (Delivery d : batch) {
            d.ack().send();
            DecodedReadings readings = d.readings();
            if (readings != null && readings.seq().isPresent()) {
                acks.add(readings.site(), readings.device(), readings.seq().getAsLong());
            }
        }
    }

    /** Only for devices the census keeps: a status is taken only from those, and readings name any device at all. */
    private void notePresence(Delivery d) {
        if (d.status() != null) {
            presence.heard(d.status().site(), d.status().device(), d.receivedAt());
            if (d.health() != null) {
                health.reported(d.status().site(), d.status().device(), d.health());
            }
        } else if (d.readings() != null && census.knows(d.readings().site(), d.readings().device())) {
            presence.heard(d.readings().site(), d.readings().device(), d.receivedAt());
        }
    }

    /** Counts seq numbers skipped going forward; resends of older messages neither count nor move the mark. */
    private void countGap(String site, String device, long seq) {
        AckCoalescer.Device key = new AckCoalescer.Device(site, device);
        Long previous = lastSeq.get(key);
        if (previous != null && seq > previous + 1) {
            gaps.increment(seq - previous - 1);
        }
        lastSeq.put(key, previous == null ? seq : Math.max(previous, seq));
    }

    private void publishAcks() {
        if (!link.isReady()) {
            return;
        }
        link.flushRetained();
        acks.drain().forEach((device, ranges) -> {
            if (!link.send(Topics.readingsAck(device.site(), device.device()), ProtocolJson.encodeAck(ranges))) {
                // Too many in flight, or just disconnected: keep them for the next round.
                for (SeqRange r : ranges) {
                    for (long s = r.from(); s <= r.to(); s++) {
                        acks.add(device.site(), device.device(), s);
                    }
                }
            }
        });
    }
}
