package coop.steward.collector.forward;

import coop.steward.collector.config.Sharing;
import coop.steward.collector.ingest.AckGate;
import coop.steward.collector.ingest.BrokerLink;
import coop.steward.collector.ingest.IngestSettings;
import coop.steward.collector.site.Sites;
import coop.steward.collector.store.DeviceReadings;
import coop.steward.collector.store.DeviceStatus;
import coop.steward.collector.store.ReadingStore;
import coop.steward.protocol.Channel;
import coop.steward.protocol.DeviceTopic;
import coop.steward.protocol.ForwardReport;
import coop.steward.protocol.NeighbourReport;
import coop.steward.protocol.ProtocolJson;
import coop.steward.protocol.Reading;
import coop.steward.protocol.ReadingsMessage;
import coop.steward.protocol.SeqRange;
import coop.steward.protocol.StatusMessage;
import coop.steward.protocol.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends what the site shares to its hub's broker as an agent sends its outbox: each message on its device's
 * {@code readings} topic, QoS 1, kept until the hub's collector confirms its seq on {@code readings/ack} after its
 * commit, and sent again when no confirmation comes within {@link Sharing#ackTimeoutSeconds}. At most
 * {@link #WINDOW} messages wait for confirmation at a time, so that a week's backlog never floods the hub's broker.
 *
 * <p>Where a message waits is, as on the agent, for the SD card's sake: a committed batch's shared readings are
 * {@linkplain #beforeAck held} in memory and sent at once, and the batch is acknowledged to its agents only once the
 * hub has confirmed them or, after {@link #HOLD_MS}, they are written to {@link ForwardLog}. A hub that confirms
 * promptly thus costs the site's card no write at all, and a crash loses nothing: what was held was not acknowledged,
 * so its agents send it again. While the hub cannot be reached, every message is written before it is acknowledged.
 *
 * <p>On every connection, what was written before it is the backlog: held and newly written messages go first, as
 * they come, and the backlog, oldest first, gets what is left of the site's catch-up rate
 * ({@link Sharing#catchUpPerSecond}). Every few seconds, and on connecting, it reports each site's backlog, its
 * sharing and its open alerts, retained on {@code steward/v1/{site}/forward}.
 */
public final class Forwarder extends VerticleBase implements AckGate {
    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);
    static final int WINDOW = 200;
    /** Well within the agents' own hold (5 s), so that a prompt hub costs neither side a write. */
    static final long HOLD_MS = 2_000;
    /** Seqs set aside on disk at a time, per device. */
    static final int SEQ_BLOCK = 1_000;
    private static final long TICK_MS = 100;
    private static final long REPORT_MS = 5_000;
    private static final long SUMMARY_MS = 60_000;

    private record Key(String site, String device, long seq) {
        static Key of(ForwardLog.Entry e) {
            return new Key(e.site(), e.device(), e.seq());
        }
    }

    private record Device(String site, String device) {
    }

    /** A committed batch whose acknowledgement waits for each of its shared messages. */
    private static final class Batch {
        final Promise<Void> released = Promise.promise();
        int waiting;

        void release() {
            if (--waiting == 0) {
                released.tryComplete();
            }
        }
    }

    /** A message in memory only, since {@code heldAt}. */
    private record Held(ForwardLog.Entry entry, long heldAt, Batch batch) {
    }

    /** A message sent {@code attempts} times and not confirmed; {@code onDisk} once it is in the log. */
    private record Sent(ForwardLog.Entry entry, long sentAt, boolean onDisk, int attempts) {
        /** The timeout after the first send, doubling after each, up to 16 times: a hub long down is not flooded. */
        boolean overdue(long now, long timeoutMs) {
            return now - sentAt >= timeoutMs << Math.min(attempts - 1, 4);
        }
    }

    private final IngestSettings hub;
    private final ForwardLog log;
    private final Supplier<Sharing> sharing;
    private final Function<String, Future<Integer>> openAlerts;
    private final BiConsumer<String, NeighbourReport> neighbours;
    private final MeterRegistry registry;
    private final Clock clock;
    private final ReadingStore store;
    private final Sites siteFacts;
    private final LinkedHashMap<Key, Held> held = new LinkedHashMap<>();
    private final Map<Key, Sent> inFlight = new LinkedHashMap<>();
    private final Map<Device, Long> nextSeq = new HashMap<>();
    private final Map<Device, Long> reserved = new HashMap<>();
    private final Set<String> sites = new HashSet<>();
    /** Devices shared hourly that the summaries have looked at since the forwarder started. */
    private final Set<Device> summarized = new HashSet<>();
    private final AtomicLong waitingReadings = new AtomicLong();
    private Counter forwarded;
    private Counter resent;
    private Counter written;
    private WorkerExecutor worker;
    private BrokerLink link;
    private Future<Void> holding = Future.succeededFuture();
    private long tickTimer = -1;
    private long reportTimer = -1;
    private long summaryTimer = -1;
    private boolean connected;
    private boolean reading;
    private boolean more = true;
    /** Something was written or confirmed while the log was being read: read again after this round. */
    private boolean signalled;
    /** Messages in flight, per site: each site has its own window, so that one the hub refuses holds up no other. */
    private final Map<String, Integer> flyingBySite = new HashMap<>();
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
     * @param neighbours where what the hub concludes of a site's arrays against its neighbours' goes
     */
    public Forwarder(IngestSettings hub, ForwardLog log, ReadingStore store, Sites sites, Supplier<Sharing> sharing,
                     Function<String, Future<Integer>> openAlerts, BiConsumer<String, NeighbourReport> neighbours,
                     MeterRegistry registry, Clock clock) {
        this.neighbours = neighbours;
        this.hub = hub;
        this.siteFacts = sites;
        this.store = store;
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
        written = Counter.builder("steward.forward.written")
                .description("Messages written to forward.db because the hub had not confirmed them within the hold")
                .register(registry);
        Gauge.builder("steward.forward.backlog.readings", waitingReadings, AtomicLong::get)
                .description("Readings committed at this site that the hub has not confirmed yet").register(registry);
        worker = vertx.createSharedWorkerExecutor("steward-forward-log", 1, 60, TimeUnit.SECONDS);
        link = new BrokerLink(vertx, hub, List.of(), registry, "steward.hub.mqtt", "--forward-to", this::received);
        return worker.executeBlocking(log::reservations, true).map(known -> {
            known.forEach((site, devices) -> {
                know(site);
                devices.forEach((device, seq) -> reserved.put(new Device(site, device), seq));
            });
            link.start();
            lastRefill = System.nanoTime();
            tickTimer = vertx.setPeriodic(TICK_MS, id -> tick());
            reportTimer = vertx.setPeriodic(REPORT_MS, id -> report());
            summaryTimer = vertx.setPeriodic(1_000, SUMMARY_MS, id -> summarize());
            return null;
        });
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(tickTimer);
        vertx.cancelTimer(reportTimer);
        vertx.cancelTimer(summaryTimer);
        // Not acknowledged: their agents send them again to the collector that comes next.
        held.values().forEach(h -> h.batch().released.tryFail("the collector is stopping"));
        held.clear();
        return link.stop()
                .eventually(() -> worker.executeBlocking(() -> {
                    log.close();
                    return null;
                }, true))
                .eventually(() -> worker.close());
    }

    /**
     * Holds the shared readings of a committed batch, and sends them; the batch may be acknowledged once the hub has
     * confirmed them, or they are in the log.
     */
    @Override
    public Future<Void> beforeAck(List<DeviceReadings> committed) {
        Promise<Void> released = Promise.promise();
        context.runOnContext(v -> holding = holding.eventually(() -> hold(committed, released)));
        return released.future();
    }

    private Future<Void> hold(List<DeviceReadings> committed, Promise<Void> released) {
        Sharing shared = sharing.get();
        List<DeviceReadings> parts = new ArrayList<>();
        for (DeviceReadings r : committed) {
            if (shared.summariesOf(r.site(), r.device())
                    && summarized.add(new Device(r.site(), r.device())) && summaryTimer != -1) {
                // A device newly shared hourly: its last hour that is over goes now, not within the minute.
                vertx.setTimer(1_000, id -> summarize());
            }
            if (!shared.readingsOf(r.site(), r.device())) {
                continue;
            }
            List<Reading> all = r.readings();
            for (int from = 0; from < all.size(); from += ForwardLog.READINGS_PER_MESSAGE) {
                parts.add(new DeviceReadings(r.site(), r.device(), all.subList(from,
                        Math.min(all.size(), from + ForwardLog.READINGS_PER_MESSAGE)), r.receivedAt()));
            }
        }
        if (parts.isEmpty()) {
            released.complete();
            return Future.succeededFuture();
        }
        return entries(parts).onFailure(e -> {
            LOG.error("Cannot set seqs aside in the forwarding log ({}); the batch is not acknowledged, and its agents "
                    + "send it again", e.getMessage());
            released.tryFail(e);
        }).onSuccess(entries -> {
            Batch batch = new Batch();
            batch.released.future().onComplete(released);
            batch.waiting = entries.size();
            long now = monotonicMs();
            entries.forEach(entry -> held.put(Key.of(entry), new Held(entry, now, batch)));
            sendHeld(now);
        }).mapEmpty();
    }

    /**
     * The messages of these readings (of at most {@link ForwardLog#READINGS_PER_MESSAGE} each), with their devices'
     * next seqs, set aside on disk first where a device's reserve runs out. Call on the context, one call at a time.
     */
    private Future<List<ForwardLog.Entry>> entries(List<DeviceReadings> parts) {
        Map<Device, Long> needed = new HashMap<>();
        parts.forEach(p -> needed.merge(new Device(p.site(), p.device()), 1L, Long::sum));
        Map<Device, Long> reserve = new HashMap<>();
        needed.forEach((device, count) -> {
            long last = next(device) + count - 1;
            if (last > reserved.getOrDefault(device, -1L)) {
                reserve.put(device, last + SEQ_BLOCK);
            }
        });
        Future<Void> ready = reserve.isEmpty() ? Future.succeededFuture() : worker.executeBlocking(() -> {
            reserve.forEach((device, upTo) -> log.reserve(device.site(), device.device(), upTo));
            return null;
        }, true);
        return ready.map(v -> {
            reserved.putAll(reserve);
            List<ForwardLog.Entry> entries = new ArrayList<>(parts.size());
            for (DeviceReadings part : parts) {
                Device device = new Device(part.site(), part.device());
                long seq = next(device);
                nextSeq.put(device, seq + 1);
                entries.add(new ForwardLog.Entry(part.site(), part.device(), seq, part.receivedAt(),
                        part.readings().size(), ProtocolJson.encode(ReadingsMessage.of(part.device(), seq,
                        part.readings()))));
                know(part.site());
            }
            return entries;
        });
    }

    /**
     * For the devices shared as hourly summaries: each sensor's hours that are over (and settled) since its mark,
     * as one reading each at the hour's start, written to the log with the marks moved past them, in one
     * transaction. A crash before it leaves the marks where they were, and the same hours are summarised again.
     */
    private void summarize() {
        Sharing shared = sharing.get();
        if (!shared.anySummaries()) {
            return;
        }
        long now = clock.millis();
        long settled = Summaries.settledHour(now);
        worker.executeBlocking(() -> Summaries.since(store, log.summaryMarks(), shared, settled, now), true)
                .onSuccess(found -> {
                    if (found.readings().isEmpty()) {
                        return;
                    }
                    holding = holding.eventually(() -> entries(found.readings()).compose(entries ->
                            worker.executeBlocking(() -> {
                                log.appendSummaries(entries, found.marks());
                                return null;
                            }, true)).onSuccess(v -> readAgain()).onFailure(e -> LOG.error("Cannot write hourly summaries to the forwarding log "
                            + "({}); they are made again at the next try", e.getMessage())).mapEmpty());
                })
                .onFailure(e -> LOG.error("Cannot summarise the hours to share: {}", e.getMessage()));
    }

    /**
     * A device new to this log starts at a thousand times the epoch milliseconds: were forward.db deleted, a
     * confirmation the hub's broker still holds for an older message could never name a newer one.
     */
    private long next(Device device) {
        return nextSeq.computeIfAbsent(device, d -> reserved.containsKey(d) ? reserved.get(d) + 1
                : clock.millis() * 1_000);
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

    /** True while connected to the hub's broker and subscribed to its confirmations. Safe from any thread. */
    public boolean isConnected() {
        return link != null && link.isReady();
    }

    /** Why the hub's broker cannot be reached, as a sentence, or null while it can. Safe from any thread. */
    public String problem() {
        return link == null ? "starting" : link.problem();
    }

    /** Readings the hub has not confirmed yet, as of the last report (every few seconds). Safe from any thread. */
    public long backlog() {
        return waitingReadings.get();
    }

    /** The site's arrays on devices whose data it shares: the hub's yields and reports need their sizes. */
    private List<ForwardReport.Array> arrays(String site, Sharing shared) {
        return siteFacts.arrays(site).stream().filter(a -> shared.dataOf(site, a.device()))
                .map(a -> new ForwardReport.Array(a.device(), a.sensor(), a.peakPowerW(), a.facing())).toList();
    }

    /** Milliseconds of a clock that NTP never sets back: what holds and resends are timed by. */
    private static long monotonicMs() {
        return System.nanoTime() / 1_000_000;
    }

    private void know(String site) {
        if (sites.add(site)) {
            link.subscribe(Topics.PREFIX + site + "/+/" + Channel.READINGS_ACK.suffix());
            link.subscribe(Topics.neighbours(site));
        }
    }

    private void tick() {
        long now = monotonicMs();
        spillOverdue(now);
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
            // A new connection: whatever was sent before and not confirmed goes again, from memory and the log.
            worker.executeBlocking(log::lastId, true).onComplete(ar -> {
                reading = false;
                if (ar.failed()) {
                    LOG.error("Cannot read the forwarding log: {}", ar.cause().getMessage());
                    return;
                }
                inFlight.clear();
                flyingBySite.clear();
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
        resendOverdue(now);
        sendHeld(now);
        refill();
    }

    /** Writes what the hub has not confirmed within the hold to the log; its batches may then be acknowledged. */
    private void spillOverdue(long now) {
        List<Held> overdue = new ArrayList<>();
        for (Iterator<Held> it = held.values().iterator(); it.hasNext(); ) {
            Held h = it.next();
            if (now - h.heldAt() < HOLD_MS) {
                break; // held in order
            }
            overdue.add(h);
            it.remove();
            Key key = Key.of(h.entry());
            Sent sent = inFlight.get(key);
            if (sent != null) {
                inFlight.put(key, new Sent(sent.entry(), sent.sentAt(), true, sent.attempts()));
            }
        }
        // A device the site stopped sharing while it was held: it is not written, and never sent again.
        Sharing shared = sharing.get();
        overdue.removeIf(h -> {
            boolean unshared = !shared.dataOf(h.entry().site(), h.entry().device());
            if (unshared) {
                h.batch().release();
            }
            return unshared;
        });
        if (overdue.isEmpty()) {
            return;
        }
        List<ForwardLog.Entry> entries = overdue.stream().map(Held::entry).toList();
        worker.executeBlocking(() -> {
            log.append(entries);
            return null;
        }, true).onComplete(ar -> {
            if (ar.succeeded()) {
                written.increment(entries.size());
                readAgain();
                overdue.forEach(h -> h.batch().release());
            } else {
                LOG.error("Cannot write to the forwarding log ({}); {} messages are not acknowledged, and their agents "
                        + "send them again", ar.cause().getMessage(), entries.size());
                overdue.forEach(h -> h.batch().released.tryFail(ar.cause()));
            }
        });
    }

    /** Sends the held messages not yet sent, oldest first, while the window has room. */
    private void sendHeld(long now) {
        if (!connected || !link.isReady()) {
            return;
        }
        Sharing shared = sharing.get();
        for (Held h : held.values()) {
            Key key = Key.of(h.entry());
            if (!inFlight.containsKey(key) && shared.dataOf(key.site(), key.device()) && hasRoom(key.site())
                    && !send(h.entry(), now, false)) {
                return;
            }
        }
    }

    private boolean hasRoom(String site) {
        return flyingBySite.getOrDefault(site, 0) < WINDOW;
    }

    private void fly(Key key, Sent sent) {
        if (inFlight.put(key, sent) == null) {
            flyingBySite.merge(key.site(), 1, Integer::sum);
        }
    }

    private void recount() {
        flyingBySite.clear();
        inFlight.keySet().forEach(key -> flyingBySite.merge(key.site(), 1, Integer::sum));
    }

    private boolean send(ForwardLog.Entry entry, long now, boolean onDisk) {
        if (!link.send(Topics.readings(entry.site(), entry.device()), entry.payload())) {
            return false;
        }
        forwarded.increment();
        fly(Key.of(entry), new Sent(entry, now, onDisk, 1));
        return true;
    }

    private void resendOverdue(long now) {
        Sharing shared = sharing.get();
        // A device the site stopped sharing: what was sent of it is not sent again.
        if (inFlight.keySet().removeIf(key -> !shared.dataOf(key.site(), key.device()))) {
            recount();
        }
        long timeoutMs = shared.ackTimeoutSeconds() * 1_000L;
        for (Map.Entry<Key, Sent> e : inFlight.entrySet()) {
            Sent sent = e.getValue();
            if (sent.overdue(now, timeoutMs)
                    && link.send(Topics.readings(sent.entry().site(), sent.entry().device()), sent.entry().payload())) {
                e.setValue(new Sent(sent.entry(), now, sent.onDisk(), sent.attempts() + 1));
                resent.increment();
                forwarded.increment();
            }
        }
    }

    /** What one read of the log found: live messages, then backlog ones; {@code backlogDone} when none is left. */
    private record Found(List<ForwardLog.Message> messages, int asked, boolean backlogDone) {
    }

    private void refill() {
        int room = WINDOW;
        long nanos = System.nanoTime();
        int rate = sharing.get().catchUpPerSecond();
        tokens = Math.min(rate, tokens + rate * (nanos - lastRefill) / 1e9);
        lastRefill = nanos;
        if (reading || room <= 0 || !more) {
            return;
        }
        reading = true;
        signalled = false;
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
                if (sendFound(ar.result(), upTo)) {
                    refill(); // a full page went, and the window still has room
                }
            }
        });
    }

    /** Sends what was found, as the window and the rate allow; true when all of a full page went. */
    private boolean sendFound(Found found, long upTo) {
        long now = monotonicMs();
        boolean all = true;
        Sharing shared = sharing.get();
        for (ForwardLog.Message m : found.messages()) {
            boolean isLive = m.id() > upTo;
            ForwardLog.Entry entry = new ForwardLog.Entry(m.site(), m.device(), m.seq(), m.received(), m.readings(),
                    m.payload());
            Key key = Key.of(entry);
            // Read just before the site stopped sharing the device (dropped from the log since), or on its way
            // already, sent while it was held.
            boolean skip = !shared.dataOf(m.site(), m.device()) || inFlight.containsKey(key);
            if (!skip) {
                if (!isLive && tokens <= 0) {
                    all = false;
                    break; // the backlog waits for the rate to allow more
                }
                know(m.site());
                if (!hasRoom(m.site()) || !send(entry, now, true)) {
                    all = false;
                    break;
                }
                tokens -= m.readings();
            }
            if (isLive) {
                liveAfter = Math.max(liveAfter, m.id());
            } else {
                backlogAfter = Math.max(backlogAfter, m.id());
            }
        }
        if (all && found.backlogDone()) {
            backlogAfter = Math.max(backlogAfter, upTo);
        }
        // Nothing more to read until something is written or confirmed, unless this round was cut short.
        more = !all || found.messages().size() >= found.asked() || backlogAfter < backlogUpTo || signalled;
        return all && found.messages().size() >= found.asked();
    }

    private void received(BrokerLink.Message message) {
        DeviceTopic topic = Topics.parse(message.topic()).orElse(null);
        message.ack().send();
        if (topic == null) {
            Topics.neighboursSite(message.topic()).filter(sites::contains)
                    .ifPresent(site -> heardNeighbours(site, message.payload()));
            return;
        }
        if (topic.channel() != Channel.READINGS_ACK) {
            return;
        }
        List<SeqRange> ranges;
        try {
            ranges = ProtocolJson.decodeAck(message.payload());
        } catch (IllegalArgumentException e) {
            LOG.warn("Ignoring a confirmation from the hub on {}: {}", message.topic(), e.getMessage());
            return;
        }
        long named = 0;
        for (SeqRange r : ranges) {
            named += r.to() - r.from() + 1;
        }
        long inMemory = 0;
        boolean onDisk = false;
        for (Iterator<Map.Entry<Key, Sent>> it = inFlight.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Key, Sent> e = it.next();
            Key key = e.getKey();
            if (names(topic, ranges, key)) {
                it.remove();
                flyingBySite.merge(key.site(), -1, Integer::sum);
                inMemory++;
                onDisk |= e.getValue().onDisk();
                Held h = held.remove(key);
                if (h != null) {
                    h.batch().release(); // confirmed within the hold: never written
                }
            }
        }
        // Held, and sent on a connection before this one: confirmed all the same.
        for (Iterator<Map.Entry<Key, Held>> it = held.entrySet().iterator(); it.hasNext(); ) {
            Key key = it.next().getKey();
            if (names(topic, ranges, key)) {
                held.get(key).batch().release();
                it.remove();
                inMemory++;
            }
        }
        readAgain();
        if (connected && link.isReady()) {
            // The window has room again: the next messages go now, not at the next tick.
            sendHeld(monotonicMs());
            refill();
        }
        if (onDisk || inMemory < named) {
            // Some of it may be in the log: written after the hold, or before a restart.
            worker.executeBlocking(() -> log.confirmed(topic.site(), topic.device(), ranges), true)
                    .onFailure(e -> LOG.error("Cannot remove what the hub confirmed from the forwarding log (it will "
                            + "be sent again, and kept once): {}", e.getMessage()));
        }
    }

    private void heardNeighbours(String site, byte[] payload) {
        if (payload.length == 0) {
            return; // a hub's retained report taken away
        }
        try {
            neighbours.accept(site, ProtocolJson.decodeNeighbourReport(payload));
        } catch (IllegalArgumentException e) {
            LOG.warn("Ignoring what the hub says of the arrays of {} against their neighbours: {}", site,
                    e.getMessage());
        }
    }

    /** Whether a confirmation on {@code topic} of these seq ranges is one for that message. */
    private static boolean names(DeviceTopic topic, List<SeqRange> ranges, Key key) {
        return key.site().equals(topic.site()) && key.device().equals(topic.device())
                && ranges.stream().anyMatch(r -> r.contains(key.seq()));
    }

    /** Something was written to the log, or the window freed: the log is read again after this round. */
    private void readAgain() {
        more = true;
        signalled = true;
    }

    /** Publishes each site's report, retained; the latest one goes when the hub's broker is back. */
    private void report() {
        long now = clock.millis();
        Sharing shared = sharing.get();
        Map<String, long[]> inMemory = new HashMap<>();
        for (Held h : held.values()) {
            long[] w = inMemory.computeIfAbsent(h.entry().site(), s -> new long[] {0, 0, Long.MAX_VALUE});
            w[0]++;
            w[1] += h.entry().readings();
            w[2] = Math.min(w[2], h.entry().received());
        }
        worker.executeBlocking(log::waiting, true).onSuccess(waiting -> {
            waitingReadings.set(waiting.values().stream().mapToLong(ForwardLog.Waiting::readings).sum()
                    + inMemory.values().stream().mapToLong(w -> w[1]).sum());
            waiting.keySet().forEach(this::know);
            Map<String, String> devices = new TreeMap<>();
            shared.devices().forEach((device, share) -> devices.put(device, share.word()));
            for (String site : sites) {
                ForwardLog.Waiting w = waiting.getOrDefault(site, ForwardLog.Waiting.NONE);
                long[] m = inMemory.getOrDefault(site, new long[] {0, 0, Long.MAX_VALUE});
                Long oldest = m[0] == 0 ? w.oldest()
                        : Long.valueOf(w.oldest() == null ? m[2] : Math.min(w.oldest(), m[2]));
                Map<String, String> exceptions = new TreeMap<>();
                devices.forEach((device, share) -> {
                    // What the site does not share, not even its ids; and only this site's devices.
                    boolean ofThisSite = !device.contains("/") || device.startsWith(site + "/");
                    if (ofThisSite && !Sharing.Share.NOTHING.word().equals(share)) {
                        exceptions.put(device.contains("/") ? device.substring(site.length() + 1) : device, share);
                    }
                });
                openAlerts.apply(site).recover(e -> Future.succeededFuture(null)).onComplete(open -> {
                    ForwardReport report = new ForwardReport(1, now, shared.share().word(), exceptions,
                            w.readings() + m[1], w.messages() + m[0], oldest, shared.catchUpPerSecond(),
                            open.result(), siteFacts.zone(site).getId(), arrays(site, shared));
                    // The alerts answer on their own context: the link is this one's.
                    context.runOnContext(v -> link.publish(Topics.forwardReport(site), ProtocolJson.encode(report),
                            true));
                });
            }
        }).onFailure(e -> LOG.error("Cannot read the forwarding log: {}", e.getMessage()));
    }
}
