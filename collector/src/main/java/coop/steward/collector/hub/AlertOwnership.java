package coop.steward.collector.hub;

import coop.steward.collector.alert.Alert;
import coop.steward.collector.alert.Alerts;
import coop.steward.collector.alert.MqttPublish;
import coop.steward.collector.alert.OtherOwners;
import coop.steward.collector.ingest.CommitListener;
import coop.steward.collector.ingest.HubTraffic;
import coop.steward.collector.site.Sites;
import coop.steward.collector.store.DeviceStatus;
import coop.steward.collector.store.ReadingStore;
import coop.steward.protocol.DecodedReadings;
import coop.steward.protocol.Topics;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At a hub of several collectors behind one broker: each site's alert state has one owner, the member
 * {@link HubMembers} names for it. Whoever commits a site's readings hands them to its owner's alert rules, its own
 * or, over the broker, another's. A member that becomes a site's owner waits {@link #SETTLE_MS} (so that the
 * member that owned it before, hearing the same change, lets go first), then adopts the site's open alerts as the
 * broker holds them (retained on the contract's alerts topic) and runs its last {@link SiteRecent#WINDOW_MS} of
 * stored readings through its rules, so that durations, silences and episodes go on where they were; what arrives
 * meanwhile waits and follows. A member whose link drops lets go of every site at once: it hears nothing, and the
 * others take its sites over. Confined to ingest's context.
 */
public final class AlertOwnership implements CommitListener, HubTraffic, OtherOwners {
    private static final Logger LOG = LoggerFactory.getLogger(AlertOwnership.class);
    static final long SETTLE_MS = 2_000;
    /** How long the owner holds a site's readings to hand them to its rules in data order. */
    static final long REORDER_MS = 1_000;
    /** About 250 MB of relays at most, while the broker cannot take them. */
    private static final int MOST_WAITING_RELAYS = 100_000;
    private static final String ALERTS = Topics.PREFIX + "+/alerts/+";

    private enum State { RESTORING, OWNED }

    /** What was committed of one site, waiting for its rules while they are restored. */
    private record Part(List<DecodedReadings> readings, List<DeviceStatus> statuses) {
    }

    /** A site's parts held since {@code since} to be put in data order. */
    private record Ordering(long since, List<Part> parts) {
        Ordering(long since) {
            this(since, new ArrayList<>());
        }
    }

    private final Vertx vertx;
    private final HubMembers members;
    private final Alerts alerts;
    private final ReadingStore store;
    private final Sites sites;
    private final Clock clock;
    private final Map<String, State> owned = new HashMap<>();
    private final Map<String, List<Part>> waiting = new HashMap<>();
    /** What waits to be handed to the rules in data order, by site. */
    private final Map<String, Ordering> ordering = new HashMap<>();
    /** Every site's active alerts as the broker holds them (retained), by site and id. */
    private final Map<String, Map<String, Alert>> published = new HashMap<>();
    private MqttPublish publish = (topic, payload, retained) -> {
    };
    /** Sends now, on ingest's context, or says it cannot (the link is down, or too much is in flight). */
    private java.util.function.BiPredicate<String, byte[]> sendNow = (topic, payload) -> false;
    /** Relays that could not go out yet, oldest first. */
    private final java.util.ArrayDeque<Map.Entry<String, byte[]>> relays = new java.util.ArrayDeque<>();
    /** Acknowledgements of alerts of sites being taken over here, applied once they are. */
    private final Map<String, List<JsonObject>> acks = new HashMap<>();
    private volatile boolean ready;
    private long lastDropLog;
    /** The sites owned, for readers on other threads. */
    private volatile Set<String> holding = Set.of();
    /** Who is alive, for readers on other threads. */
    private volatile List<String> aliveView = List.of();
    /** The active alerts of the sites others own, for readers on other threads. */
    private volatile List<Alert> othersAlerts = List.of();

    public AlertOwnership(Vertx vertx, HubMembers members, Alerts alerts, ReadingStore store, Sites sites,
                          Clock clock) {
        this.vertx = vertx;
        this.members = members;
        this.alerts = alerts;
        this.store = store;
        this.sites = sites;
        this.clock = clock;
    }

    /** How relays and requests go out: ingest's own connection ({@code sendNow} on ingest's context only). */
    public void sendThrough(MqttPublish publish, java.util.function.BiPredicate<String, byte[]> sendNow) {
        this.publish = publish;
        this.sendNow = sendNow;
    }

    @Override
    public String group() {
        return members.group();
    }

    @Override
    public List<String> topics() {
        return List.of(members.membersFilter(), members.relayTopic(members.me()), members.ackTopic(), ALERTS);
    }

    @Override
    public String announceTopic() {
        return members.announceTopic();
    }

    @Override
    public boolean takes(String topic) {
        return topic.startsWith(HubMembers.ROOT) || isAlert(topic);
    }

    private static boolean isAlert(String topic) {
        String[] parts = topic.split("/", -1);
        return parts.length == 5 && topic.startsWith(Topics.PREFIX) && "alerts".equals(parts[3]);
    }

    @Override
    public void heard(String topic, byte[] payload) {
        if (members.isMembers(topic)) {
            if (members.heard(topic, payload)) {
                LOG.info("Hub group {}: {} alive", members.group(), members.alive());
                changed();
                String shared = members.sharedSlot();
                if (shared != null) {
                    LOG.warn("Hub group {}: this collector and {} draw alert ids from the same slot; two alerts "
                            + "raised in the same millisecond would share an id. Delete one's collector-id file "
                            + "(a new id is made) to part them", members.group(), shared);
                }
                rebalance();
            }
        } else if (members.isRelayToMe(topic)) {
            Relay relay = Relay.decode(payload);
            if (relay != null) {
                route(relay.site(), new Part(relay.readings(), relay.statuses()), true);
            }
        } else if (members.isAck(topic)) {
            JsonObject ack = jsonOrNull(payload);
            String id = ack.getString("id");
            if (id != null) {
                String site = siteOf(id);
                if (site != null && owned.get(site) == State.RESTORING) {
                    acks.computeIfAbsent(site, k -> new ArrayList<>()).add(ack); // held here once restored
                } else {
                    // Whoever holds it acknowledges it; the others hold no alert of that id.
                    alerts.acknowledgeIfHeld(id, ack.getString("note"), ack.getString("by"));
                }
            }
        } else if (isAlert(topic)) {
            remember(topic, payload);
            changed();
        }
    }

    @Override
    public void linkReady(boolean now) {
        if (now) {
            flushRelays();
        }
        handOverInOrder();
        if (now == ready) {
            return;
        }
        ready = now;
        if (!now) {
            // Deaf, it would judge silence wrongly; the others take its sites over as soon as its Will is read.
            LOG.warn("Hub group {}: the link to the broker is down; this collector lets go of the alerts of {} sites",
                    members.group(), owned.size());
            members.lost();
            List.copyOf(owned.keySet()).forEach(this::release);
            published.clear(); // what was resolved meanwhile is never said again; the broker's retained state is
            changed();         // heard afresh on the next connection
        } else {
            rebalance();
        }
    }

    /**
     * What the collectors of the group commit of one device reaches the owner in the order their commits end, not
     * in data order: the owner holds each site's for {@link #REORDER_MS}, then hands it to the rules in data order,
     * so that a reading overtaken by a later one on the way is judged, not skipped as a resend.
     */
    private void handOverInOrder() {
        long now = clock.millis();
        for (java.util.Iterator<Map.Entry<String, Ordering>> it = ordering.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Ordering> e = it.next();
            if (now - e.getValue().since() < REORDER_MS && owned.get(e.getKey()) == State.OWNED) {
                continue;
            }
            it.remove();
            if (owned.get(e.getKey()) != State.OWNED) {
                continue; // let go meanwhile: its new owner reads the store
            }
            Map<String, List<coop.steward.protocol.Reading>> byDevice = new LinkedHashMap<>();
            List<DeviceStatus> statuses = new ArrayList<>();
            for (Part part : e.getValue().parts()) {
                part.readings().forEach(r -> byDevice.computeIfAbsent(r.device(), d -> new ArrayList<>())
                        .addAll(r.readings()));
                statuses.addAll(part.statuses());
            }
            List<DecodedReadings> readings = new ArrayList<>();
            byDevice.forEach((device, list) -> {
                list.sort(java.util.Comparator.comparingLong(coop.steward.protocol.Reading::t));
                readings.add(new DecodedReadings(e.getKey(), device, java.util.OptionalLong.empty(), list,
                        List.of()));
            });
            alerts.committed(readings, statuses);
        }
    }

    /** Relays wait, in order, while the link cannot take them; past {@link #MOST_WAITING_RELAYS} the oldest go. */
    private void relay(String owner, byte[] message) {
        relays.addLast(Map.entry(members.relayTopic(owner), message));
        if (relays.size() > MOST_WAITING_RELAYS) {
            relays.removeFirst();
            if (clock.millis() - lastDropLog > 60_000) {
                lastDropLog = clock.millis();
                LOG.warn("Hub group {}: more than {} relays wait for the broker; the oldest are dropped, and their "
                        + "sites' rules miss those readings", members.group(), MOST_WAITING_RELAYS);
            }
        }
        flushRelays();
    }

    private void flushRelays() {
        while (!relays.isEmpty() && sendNow.test(relays.peekFirst().getKey(), relays.peekFirst().getValue())) {
            relays.removeFirst();
        }
    }

    private String siteOf(String alertId) {
        for (Map.Entry<String, Map<String, Alert>> e : published.entrySet()) {
            if (e.getValue().containsKey(alertId)) {
                return e.getKey();
            }
        }
        return null;
    }

    @Override
    public void committed(List<DecodedReadings> readings, List<DeviceStatus> statuses) {
        Map<String, Part> bySite = new LinkedHashMap<>();
        for (DecodedReadings r : readings) {
            bySite.computeIfAbsent(r.site(), s -> new Part(new ArrayList<>(), new ArrayList<>())).readings().add(r);
        }
        for (DeviceStatus s : statuses) {
            bySite.computeIfAbsent(s.site(), x -> new Part(new ArrayList<>(), new ArrayList<>())).statuses().add(s);
        }
        bySite.forEach((site, part) -> route(site, part, false));
    }

    /** To the site's owner: this collector's rules, or the owner's over the broker (once; never back and forth). */
    private void route(String site, Part part, boolean relayed) {
        // While the link is down (a batch committed as it dropped), to the owner as it was then; the relays wait.
        String owner = ready ? members.owner(site) : members.ownerBefore(site);
        if (ready && members.me().equals(owner)) {
            deliver(site, part);
        } else if (!relayed && !members.me().equals(owner)) {
            for (byte[] message : new Relay(site, part.readings(), part.statuses()).encode()) {
                relay(owner, message);
            }
        } else if (clock.millis() - lastDropLog > 60_000) {
            lastDropLog = clock.millis();
            // The views of who is alive differ for a moment (a member came or went): the site's new owner runs
            // the stored readings through its rules when it takes the site over, which covers most of these.
            LOG.info("Hub group {}: readings of {} for its alerts reached this collector, which does not hold them "
                    + "(its owner is {}); they are not judged here", members.group(), site, owner);
        }
    }

    private void deliver(String site, Part part) {
        State state = owned.get(site);
        if (state == State.OWNED) {
            ordering.computeIfAbsent(site, s -> new Ordering(clock.millis())).parts().add(part);
            return;
        }
        if (state == null) {
            takeOver(site);
        }
        waiting.get(site).add(part);
    }

    /** Lets go of what is no longer this collector's, and takes over what now is, after the settling time. */
    private void rebalance() {
        if (!ready) {
            return;
        }
        for (String site : List.copyOf(owned.keySet())) {
            if (!members.owns(site)) {
                release(site);
            }
        }
        vertx.executeBlocking(() -> sites.known(store.devices(), store.sensors()), false).onSuccess(known -> {
            for (String site : known) {
                if (ready && members.owns(site) && !owned.containsKey(site)) {
                    takeOver(site);
                }
            }
        }).onFailure(e -> LOG.error("Hub group {}: cannot read which sites the store holds: {}", members.group(),
                e.getMessage()));
    }

    private void takeOver(String site) {
        owned.put(site, State.RESTORING);
        waiting.put(site, new ArrayList<>());
        vertx.setTimer(SETTLE_MS, id -> restore(site));
    }

    private void restore(String site) {
        if (owned.get(site) != State.RESTORING) {
            return;
        }
        if (!ready || !members.owns(site)) {
            release(site);
            return;
        }
        long now = clock.millis();
        vertx.executeBlocking(() -> SiteRecent.load(store, site, now), false).onComplete(ar -> {
            if (owned.get(site) != State.RESTORING) {
                return;
            }
            if (!ready || !members.owns(site)) {
                release(site);
            } else if (ar.failed()) {
                LOG.error("Hub group {}: cannot read the recent readings of {} to take over its alerts ({}); trying "
                        + "again", members.group(), site, ar.cause().getMessage());
                vertx.setTimer(SETTLE_MS, id -> restore(site));
            } else {
                List<Alert> open = List.copyOf(published.getOrDefault(site, Map.of()).values());
                alerts.own(site, open, ar.result().statuses(), ar.result().readings());
                ordering.put(site, new Ordering(clock.millis(), waiting.remove(site)));
                for (JsonObject ack : acks.getOrDefault(site, List.of())) {
                    alerts.acknowledgeIfHeld(ack.getString("id"), ack.getString("note"), ack.getString("by"));
                }
                acks.remove(site);
                owned.put(site, State.OWNED);
                changed();
                LOG.info("Hub group {}: took over the alerts of {} ({} open)", members.group(), site, open.size());
            }
        });
    }

    /** No longer this collector's: its alerts are let go, and what waited goes to the new owner. */
    private void release(String site) {
        State state = owned.remove(site);
        List<Part> left = new ArrayList<>(waiting.getOrDefault(site, List.of()));
        waiting.remove(site);
        Ordering held = ordering.remove(site);
        if (held != null) {
            left.addAll(held.parts());
        }
        acks.remove(site);
        if (state != null) {
            alerts.release(site);
            changed();
        }
        if (ready) {
            left.forEach(part -> route(site, part, false));
        }
    }

    private void remember(String topic, byte[] payload) {
        String[] parts = topic.split("/", -1);
        String site = parts[2];
        String id = parts[4];
        Map<String, Alert> ofSite = published.computeIfAbsent(site, s -> new HashMap<>());
        Alert alert = payload.length == 0 ? null : Alert.fromJson(jsonOrNull(payload));
        if (alert == null || !alert.isActive() || !alert.site().equals(site) || !alert.id().equals(id)) {
            ofSite.remove(id);
        } else {
            ofSite.put(id, alert);
            if (owned.get(site) == State.OWNED) {
                alerts.foreign(alert); // nothing, unless another collector raised it before it let go of the site
            }
        }
    }

    private static JsonObject jsonOrNull(byte[] payload) {
        try {
            return new JsonObject(io.vertx.core.buffer.Buffer.buffer(payload));
        } catch (RuntimeException e) {
            return new JsonObject();
        }
    }

    /** Whether this collector holds the site's alerts now. Safe from any thread. */
    public boolean holds(String site) {
        return holding.contains(site);
    }

    public int idSlot() {
        return members.idSlot();
    }

    @Override
    public boolean mayRest() {
        return ready && members.mayRest();
    }

    /** The group as /health shows it: its name, who is alive, and how many sites' alerts this one holds. */
    public JsonObject health() {
        return new JsonObject().put("name", members.group()).put("me", members.me())
                .put("members", new io.vertx.core.json.JsonArray(aliveView)).put("sitesHeld", holding.size())
                .put("linked", ready);
    }

    private void changed() {
        aliveView = ready ? List.copyOf(members.alive()) : List.of();
        Set<String> now = new java.util.HashSet<>();
        owned.forEach((site, state) -> {
            if (state == State.OWNED) {
                now.add(site);
            }
        });
        holding = Set.copyOf(now);
        List<Alert> elsewhere = new ArrayList<>();
        published.forEach((site, ofSite) -> {
            if (!now.contains(site)) {
                elsewhere.addAll(ofSite.values());
            }
        });
        othersAlerts = List.copyOf(elsewhere);
    }

    @Override
    public java.util.Collection<Alert> alerts() {
        return othersAlerts;
    }

    /** Safe from any thread: the broker carries the request to every collector of the group. */
    @Override
    public void acknowledge(String id, String note, String by) {
        publish.publish(members.ackTopic(), new JsonObject().put("id", id).put("note", note).put("by", by)
                .toBuffer().getBytes(), false);
    }
}
