package coop.steward.collector.forward;

import coop.steward.collector.config.Sharing;
import coop.steward.collector.ingest.BrokerLink;
import coop.steward.collector.ingest.IngestSettings;
import coop.steward.collector.store.DeviceStatus;
import coop.steward.protocol.Channel;
import coop.steward.protocol.DeviceTopic;
import coop.steward.protocol.ForwardReport;
import coop.steward.protocol.ProtocolJson;
import coop.steward.protocol.SeqRange;
import coop.steward.protocol.StatusMessage;
import coop.steward.protocol.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the site's {@link ForwardLog} to its hub's broker as an agent sends its outbox: each message on its device's
 * {@code readings} topic, QoS 1, kept until the hub's collector confirms its seq on {@code readings/ack} after its
 * commit, and sent again when no confirmation comes within {@link #ACK_TIMEOUT_MS}. At most {@link #WINDOW} messages
 * wait for confirmation at a time, so that a week's backlog never floods the hub's broker.
 *
 * <p>On every connection, what was appended before it is the backlog and what is appended after is live: live
 * messages go first, as they come, and the backlog, oldest first, gets what is left of the site's catch-up rate
 * ({@link Sharing#catchUpPerSecond}). Every few seconds, and on connecting, it reports each site's backlog, its
 * sharing and its open alerts, retained on {@code steward/v1/{site}/forward}.
 */
public final class Forwarder extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);
    static final int WINDOW = 200;
    static final long ACK_TIMEOUT_MS = 30_000;
    private static final long TICK_MS = 100;
    private static final long REPORT_MS = 5_000;

    private record Key(String site, String device, long seq) {
    }

    private record Sent(ForwardLog.Message message, String topic, long sentAt) {
    }

    private final IngestSettings hub;
    private final ForwardLog log;
    private final Supplier<Sharing> sharing;
    private final Function<String, Future<Integer>> openAlerts;
    private final MeterRegistry registry;
    private final Clock clock;
    private final Map<Key, Sent> inFlight = new LinkedHashMap<>();
    private final Set<String> sites = new HashSet<>();
    private final AtomicLong waitingReadings = new AtomicLong();
    private Counter forwarded;
    private Counter resent;
    private WorkerExecutor worker;
    private BrokerLink link;
    private long tickTimer = -1;
    private long reportTimer = -1;
    private boolean connected;
    private boolean reading;
    private boolean more = true;
    private long appendsSeen = -1;
    /** Messages with ids up to here were in the log when this connection began: the backlog. */
    private long backlogUpTo;
    private long backlogAfter;
    private long liveAfter;
    private double tokens;
    private long lastRefill;

    /**
     * @param hub        the hub's broker, and the account and client id to use there
     * @param sharing    what the site shares now; it may change while the forwarder runs
     * @param openAlerts how many alerts are open at a site, on the devices it shares at least the status of
     */
    public Forwarder(IngestSettings hub, ForwardLog log, Supplier<Sharing> sharing,
                     Function<String, Future<Integer>> openAlerts, MeterRegistry registry, Clock clock) {
        this.hub = hub;
        this.log = log;
        this.sharing = sharing;
        this.openAlerts = openAlerts;
        this.registry = registry;
        this.clock = clock;
    }

    @Override
    public Future<?> start() {
        forwarded = Counter.builder("steward.forward.sent").description("Messages sent to the hub (resends too)")
                .register(registry);
        resent = Counter.builder("steward.forward.resent")
                .description("Messages sent to the hub again because it had not confirmed them in time")
                .register(registry);
        Gauge.builder("steward.forward.backlog.readings", waitingReadings, AtomicLong::get)
                .description("Readings committed at this site that the hub has not confirmed yet").register(registry);
        worker = vertx.createSharedWorkerExecutor("steward-forward-log", 1, 60, TimeUnit.SECONDS);
        link = new BrokerLink(vertx, hub, List.of(), registry, "steward.hub.mqtt", "--forward-to", this::received);
        return worker.executeBlocking(() -> log.waiting().keySet(), true).map(known -> {
            known.forEach(this::know);
            link.start();
            lastRefill = System.nanoTime();
            tickTimer = vertx.setPeriodic(TICK_MS, id -> tick());
            reportTimer = vertx.setPeriodic(REPORT_MS, id -> report());
            return null;
        });
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(tickTimer);
        vertx.cancelTimer(reportTimer);
        return link.stop().eventually(() -> worker.close());
    }

    /**
     * Statuses the site committed: those of devices it shares at least the status of go to the hub, retained on the
     * device's own {@code status} topic there, the latest of each kept until the hub's broker has it. Safe from any
     * thread.
     */
    public void statusesCommitted(List<DeviceStatus> statuses) {
        if (statuses.isEmpty() || context == null) {
            return; // before it started: agents send their status again at least every minute
        }
        context.runOnContext(v -> {
            Sharing shared = sharing.get();
            for (DeviceStatus status : statuses) {
                if (shared.of(status.site(), status.device()) != Sharing.Share.NOTHING) {
                    know(status.site()); // reported on, even where the site shares no readings
                    link.publish(Topics.status(status.site(), status.device()), ProtocolJson.encode(
                            new StatusMessage(1, status.state(), status.lastSeen(), null, status.outbox(), null, null,
                                    null, null, null, null)), true);
                }
            }
        });
    }

    /** True while connected to the hub's broker and subscribed to its confirmations. */
    public boolean isConnected() {
        return link != null && link.isReady();
    }

    private void know(String site) {
        if (sites.add(site)) {
            link.subscribe(Topics.PREFIX + site + "/+/" + Channel.READINGS_ACK.suffix());
        }
    }

    private void tick() {
        if (!link.isReady()) {
            connected = false;
            return;
        }
        link.flushRetained();
        if (!connected) {
            if (reading) {
                return;
            }
            reading = true;
            // A new connection: whatever was sent before and not confirmed goes again, from the log.
            worker.executeBlocking(log::lastId, true).onComplete(ar -> {
                reading = false;
                if (ar.failed()) {
                    LOG.error("Cannot read the forwarding log: {}", ar.cause().getMessage());
                    return;
                }
                inFlight.clear();
                backlogUpTo = ar.result();
                backlogAfter = 0;
                liveAfter = backlogUpTo;
                more = true;
                connected = true;
                report();
                tick();
            });
            return;
        }
        long appends = log.appends();
        if (appends != appendsSeen) {
            appendsSeen = appends;
            more = true;
        }
        long now = clock.millis();
        resendOverdue(now);
        refill();
    }

    private void resendOverdue(long now) {
        Sharing shared = sharing.get();
        // A device the site stopped sharing: what was sent of it is not sent again.
        inFlight.keySet().removeIf(key -> !shared.readingsOf(key.site(), key.device()));
        for (Map.Entry<Key, Sent> e : inFlight.entrySet()) {
            Sent sent = e.getValue();
            if (now - sent.sentAt() >= ACK_TIMEOUT_MS && link.send(sent.topic(), sent.message().payload())) {
                e.setValue(new Sent(sent.message(), sent.topic(), now));
                resent.increment();
                forwarded.increment();
            }
        }
    }

    /** What one read of the log found: live messages, then backlog ones; {@code backlogDone} when none is left. */
    private record Found(List<ForwardLog.Message> messages, int asked, boolean backlogDone) {
    }

    private void refill() {
        int room = WINDOW - inFlight.size();
        long nanos = System.nanoTime();
        int rate = sharing.get().catchUpPerSecond();
        tokens = Math.min(rate, tokens + rate * (nanos - lastRefill) / 1e9);
        lastRefill = nanos;
        if (reading || room <= 0 || !more) {
            return;
        }
        reading = true;
        long live = liveAfter;
        long backlog = backlogAfter;
        long upTo = backlogUpTo;
        boolean catchingUp = backlog < upTo && tokens > 0;
        worker.executeBlocking(() -> {
            List<ForwardLog.Message> next = new ArrayList<>(log.between(live, Long.MAX_VALUE, room));
            boolean backlogDone = backlog >= upTo;
            if (catchingUp && next.size() < room) {
                List<ForwardLog.Message> older = log.between(backlog, upTo, room - next.size());
                backlogDone = older.size() < room - next.size();
                next.addAll(older);
            }
            return new Found(next, room, backlogDone);
        }, true).onComplete(ar -> {
            reading = false;
            if (ar.failed()) {
                LOG.error("Cannot read the forwarding log: {}", ar.cause().getMessage());
                return;
            }
            if (connected && link.isReady() && upTo == backlogUpTo) {
                send(ar.result(), upTo);
            }
        });
    }

    private void send(Found found, long upTo) {
        long now = clock.millis();
        boolean all = true;
        Sharing shared = sharing.get();
        for (ForwardLog.Message m : found.messages()) {
            boolean isLive = m.id() > upTo;
            if (!shared.readingsOf(m.site(), m.device())) {
                passed(m, isLive); // read just before the site stopped sharing the device; dropped from the log since
                continue;
            }
            if (!isLive && tokens <= 0) {
                all = false;
                break; // the backlog waits for the rate to allow more
            }
            know(m.site());
            String topic = Topics.readings(m.site(), m.device());
            if (!link.send(topic, m.payload())) {
                all = false;
                break;
            }
            forwarded.increment();
            tokens -= m.readings();
            inFlight.put(new Key(m.site(), m.device(), m.seq()), new Sent(m, topic, now));
            passed(m, isLive);
        }
        if (all && found.backlogDone()) {
            backlogAfter = Math.max(backlogAfter, upTo);
        }
        // Nothing more to read until something is appended or confirmed, unless this round was cut short.
        more = !all || found.messages().size() >= found.asked() || backlogAfter < backlogUpTo;
    }

    private void passed(ForwardLog.Message m, boolean isLive) {
        if (isLive) {
            liveAfter = Math.max(liveAfter, m.id());
        } else {
            backlogAfter = Math.max(backlogAfter, m.id());
        }
    }

    private void received(BrokerLink.Message message) {
        DeviceTopic topic = Topics.parse(message.topic()).orElse(null);
        message.ack().send();
        if (topic == null || topic.channel() != Channel.READINGS_ACK) {
            return;
        }
        List<SeqRange> ranges;
        try {
            ranges = ProtocolJson.decodeAck(message.payload());
        } catch (IllegalArgumentException e) {
            LOG.warn("Ignoring a confirmation from the hub on {}: {}", message.topic(), e.getMessage());
            return;
        }
        boolean freed = false;
        for (Iterator<Key> keys = inFlight.keySet().iterator(); keys.hasNext(); ) {
            Key key = keys.next();
            if (key.site().equals(topic.site()) && key.device().equals(topic.device())
                    && ranges.stream().anyMatch(r -> r.contains(key.seq()))) {
                keys.remove();
                freed = true;
            }
        }
        if (freed) {
            more = true;
        }
        worker.executeBlocking(() -> log.confirmed(topic.site(), topic.device(), ranges), true)
                .onFailure(e -> LOG.error("Cannot remove what the hub confirmed from the forwarding log (it will be "
                        + "sent again, and kept once): {}", e.getMessage()));
    }

    /** Publishes each site's report, retained; the latest one goes when the hub's broker is back. */
    private void report() {
        long now = clock.millis();
        Sharing shared = sharing.get();
        worker.executeBlocking(log::waiting, true).onSuccess(waiting -> {
            waitingReadings.set(waiting.values().stream().mapToLong(ForwardLog.Waiting::readings).sum());
            waiting.keySet().forEach(this::know);
            Map<String, String> devices = new TreeMap<>();
            shared.devices().forEach((device, share) -> devices.put(device, share.word()));
            for (String site : sites) {
                ForwardLog.Waiting w = waiting.getOrDefault(site, ForwardLog.Waiting.NONE);
                openAlerts.apply(site).recover(e -> Future.succeededFuture(null)).onComplete(open -> {
                    ForwardReport report = new ForwardReport(1, now, shared.share().word(), devices, w.readings(),
                            w.messages(), w.oldest(), shared.catchUpPerSecond(), open.result());
                    link.publish(Topics.forwardReport(site), ProtocolJson.encode(report), true);
                });
            }
        }).onFailure(e -> LOG.error("Cannot read the forwarding log: {}", e.getMessage()));
    }
}
