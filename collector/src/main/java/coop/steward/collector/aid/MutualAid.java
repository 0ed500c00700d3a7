package coop.steward.collector.aid;

import coop.steward.collector.alert.Alert;
import coop.steward.collector.alert.AlertEvent;
import coop.steward.collector.alert.AlertState;
import coop.steward.collector.alert.Alerts;
import coop.steward.collector.config.Help;
import coop.steward.collector.ingest.BrokerLink;
import coop.steward.collector.ingest.IngestSettings;
import coop.steward.collector.notify.Notifier;
import coop.steward.collector.site.Sites;
import coop.steward.protocol.AidRequest;
import coop.steward.protocol.AidTaken;
import coop.steward.protocol.Ids;
import coop.steward.protocol.ProtocolJson;
import coop.steward.protocol.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mutual aid between the sites of a hub, over the hub's broker. A site that asks ({@link Help#ask}) offers each alert
 * that nobody at home answered by the end of its escalation ({@link Notifier#UNANSWERED}) to its neighbours, retained
 * on {@link Topics#aidRequest}; the first helper to take it is named in the request, and the alert is acknowledged in
 * their name, so the site sees who is going. The request is withdrawn (an empty retained message) once the alert is
 * resolved, or acknowledged at home before anyone took it. A site that offers help ({@link Help#offer}) hears every
 * neighbour's request, tells its own stewards, lists them on its dashboard, and answers for the steward who takes one
 * on {@link Topics#aidTaken}, under its own site's id, which its account alone may write.
 *
 * <p>The broker's retained messages are the only record: a collector that restarts hears its own open requests and
 * its neighbours' again, and withdraws those whose alerts closed meanwhile. Everything runs on this verticle's
 * context.
 */
public final class MutualAid extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(MutualAid.class);
    /**
     * A request first heard older than this is listed on the dashboard and not sent to stewards again: the requests a
     * helper hears at start-up are mostly ones it told its stewards of before a restart.
     */
    static final long FRESH_MS = 10 * 60_000;
    private static final long FLUSH_MS = 500;
    /** Long enough for a broker to hand over every retained request after a subscription. */
    private static final long SETTLE_MS = 5_000;
    private static final byte[] WITHDRAWN = new byte[0];
    /**
     * Where a change of what {@link #list} answers is told, for the dashboard's event stream: {@code site} is the site
     * whose people see it (the asking one for its own requests, each of this collector's sites for a neighbour's).
     */
    public static final String EVENTS = "steward.aid";

    private record Key(String site, String alert) {
    }

    private final IngestSettings hub;
    private final Help help;
    private final Sites sites;
    private final Alerts alerts;
    private final MeterRegistry registry;
    private final Clock clock;
    /** This collector's own requests, by alert. */
    private final Map<Key, AidRequest> asked = new LinkedHashMap<>();
    /** Neighbours' open requests. */
    private final Map<Key, AidRequest> offered = new LinkedHashMap<>();
    /** The neighbours' requests a steward here took, and the site they took it as. */
    private final Map<Key, String> took = new HashMap<>();
    /** Own sites whose requests and answers this collector hears. */
    private final Set<String> watched = new HashSet<>();
    private BrokerLink link;
    private MessageConsumer<JsonObject> unanswered;
    private MessageConsumer<JsonObject> events;
    private long flushTimer = -1;

    /**
     * @param hub      the hub's broker, with a client id of its own: this is a second connection of the site
     */
    public MutualAid(IngestSettings hub, Help help, Sites sites, Alerts alerts, MeterRegistry registry,
                     Clock clock) {
        this.hub = hub;
        this.help = help;
        this.sites = sites;
        this.alerts = alerts;
        this.registry = registry;
        this.clock = clock;
    }

    @Override
    public Future<?> start() {
        link = new BrokerLink(vertx, hub, List.of(), registry, "steward.aid.mqtt", "--forward-to", this::received);
        // Its own sites' requests are heard even when it no longer asks, so that what it asked before is withdrawn.
        sites.configured().forEach(this::watch);
        if (help.offer()) {
            link.subscribe(Topics.ALL_AID_REQUESTS);
            // Its own answers, to clear those whose requests were withdrawn while it was away.
            sites.configured().forEach(own -> link.subscribe(Topics.aidTaken("+", "+", own)));
        }
        unanswered = vertx.eventBus().consumer(Notifier.UNANSWERED, message -> ask(message.body()));
        events = vertx.eventBus().consumer(Alerts.EVENTS, message -> answeredAtHome(message.body()));
        link.start();
        flushTimer = vertx.setPeriodic(FLUSH_MS, id -> link.flushRetained());
        return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(flushTimer);
        return Future.join(unanswered.unregister(), events.unregister()).eventually(() -> link.stop());
    }

    /** Hears the site's own requests and their answers: after a restart, what it asked comes back from the broker. */
    private void watch(String site) {
        if (watched.add(site)) {
            link.subscribe(Topics.aidRequest(site, "+"));
            if (help.ask()) {
                link.subscribe(Topics.aidAnswers(site));
            }
        }
    }

    /** Nobody at home answered: asks the neighbours, if the alert is still open. */
    private void ask(JsonObject raised) {
        String site = raised.getString("site");
        String id = raised.getString("id");
        if (!help.ask() || site == null || id == null || asked.containsKey(new Key(site, id))) {
            return;
        }
        alerts.find(id).onComplete(found -> context.runOnContext(v -> {
            if (found.failed()) {
                LOG.warn("Could not ask the neighbours for help with alert {}: {}", id, found.cause().getMessage());
                return;
            }
            Alert alert = found.result().orElse(null);
            Key key = new Key(site, id);
            if (alert == null || alert.state() != AlertState.OPEN || asked.containsKey(key)) {
                return;
            }
            long now = clock.millis();
            AidRequest request = new AidRequest(1, site, id, alert.rule(), alert.severity().code(), alert.message(),
                    alert.device(), alert.sensor(), sites.where(site),
                    alert.since() == null ? alert.openedAt() : alert.since(), alert.openedAt(), now, null);
            watch(site);
            asked.put(key, request);
            publish(request);
            alerts.record(new AlertEvent(id, now, AlertEvent.What.ASKED, null, "nobody here answered it by the end "
                    + "of its escalation; offered to the stewards of the neighbouring sites that help"));
            LOG.info("Alert {} of {} was not answered at home: asked the neighbours for help", id, site);
        }));
    }

    private void answeredAtHome(JsonObject event) {
        Key key = new Key(String.valueOf(event.getString("site")), String.valueOf(event.getString("id")));
        AidRequest request = asked.get(key);
        String what = event.getString("event");
        if (request != null && ("resolved".equals(what) || "acknowledged".equals(what) && request.taken() == null)) {
            withdraw(key);
        }
    }

    private void withdraw(Key key) {
        asked.remove(key);
        link.publish(Topics.aidRequest(key.site(), key.alert()), WITHDRAWN, true);
        changed(key.site());
    }

    private void publish(AidRequest request) {
        link.publish(Topics.aidRequest(request.site(), request.alert()), ProtocolJson.encode(request), true);
        changed(request.site());
    }

    private void changed(String site) {
        vertx.eventBus().publish(EVENTS, new JsonObject().put("event", "aid").put("site", site));
    }

    /** A neighbour's request changed: shown at this collector's own sites. */
    private void neighbourChanged() {
        List<String> own = sites.configured();
        if (own.isEmpty()) {
            changed("");
        }
        own.forEach(this::changed);
    }

    private void received(BrokerLink.Message message) {
        message.ack().send();
        List<String> ids = Topics.aid(message.topic()).orElse(null);
        if (ids == null || !ids.stream().allMatch(Ids::isValid)) {
            return;
        }
        Key key = new Key(ids.get(0), ids.get(1));
        if (ids.size() == 3 && watched.contains(key.site())) {
            answered(key, ids.get(2), message.payload());
        } else if (ids.size() == 3) {
            ownAnswer(key, ids.get(2), message.payload());
        } else if (watched.contains(key.site())) {
            recovered(key, message.payload());
        } else {
            heard(key, message.payload());
        }
    }

    /** One of this site's own requests, as the broker holds it: taken up again after a restart. */
    private void recovered(Key key, byte[] payload) {
        if (payload.length == 0 || asked.containsKey(key)) {
            return; // withdrawn, or the echo of what this collector published
        }
        AidRequest request = decode(key, payload, "own request for help");
        if (request == null) {
            return;
        }
        asked.put(key, request);
        if (!help.ask()) {
            withdraw(key); // the site no longer asks
            return;
        }
        alerts.find(key.alert()).onComplete(found -> context.runOnContext(v -> {
            if (found.failed()) {
                LOG.warn("Could not check alert {} that the neighbours were asked about: {}", key.alert(),
                        found.cause().getMessage());
                return; // kept: it is checked again when it resolves or is acknowledged
            }
            Alert alert = found.result().orElse(null);
            AidRequest now = asked.get(key);
            if (now != null && (alert == null || alert.state() == AlertState.RESOLVED
                    || alert.state() == AlertState.ACKNOWLEDGED && now.taken() == null)) {
                withdraw(key); // closed, or answered at home, while this collector was away
            }
        }));
    }

    /** A helper took one of this site's requests: the first one to say so is the one who goes. */
    private void answered(Key key, String helper, byte[] payload) {
        AidRequest request = asked.get(key);
        if (request == null || request.taken() != null || payload.length == 0) {
            return;
        }
        AidTaken taken;
        try {
            taken = ProtocolJson.decodeAidTaken(payload);
        } catch (IllegalArgumentException e) {
            LOG.warn("Ignoring {}'s answer to the request for help with alert {}: {}", helper, key.alert(),
                    e.getMessage());
            return;
        }
        AidRequest.Taker taker = new AidRequest.Taker(taken.person(), helper, clock.millis());
        AidRequest now = request.takenBy(taker);
        asked.put(key, now);
        publish(now); // the other helpers see that someone is going
        alerts.acknowledge(key.alert(), "is going: " + helper + " answered the request for help", taker.words())
                .onFailure(e -> LOG.warn("Could not acknowledge alert {} for {}: {}", key.alert(), taker.words(),
                        e.getMessage()));
        LOG.info("{} took alert {} of {}", taker.words(), key.alert(), key.site());
    }

    /**
     * One of this site's own answers, as the broker holds it: after a restart, an answer to a request withdrawn while
     * this collector was away is found here, and cleared once the requests have had time to arrive.
     */
    private void ownAnswer(Key key, String as, byte[] payload) {
        if (payload.length == 0 || !help.offer() || !sites.configured().contains(as)) {
            return;
        }
        took.putIfAbsent(key, as);
        vertx.setTimer(SETTLE_MS, id -> {
            if (!offered.containsKey(key) && as.equals(took.get(key))) {
                takeBack(key);
            }
        });
    }

    /** A neighbour's request, new, changed (taken) or withdrawn. */
    private void heard(Key key, byte[] payload) {
        if (!help.offer()) {
            return;
        }
        if (payload.length == 0) {
            if (offered.remove(key) != null) {
                neighbourChanged();
                // Our answers go too, also one made before a restart that took no longer names; clearing a topic
                // that holds nothing costs nothing.
                sites.configured().stream().filter(own -> !own.equals(took.get(key))).forEach(own ->
                        link.publish(Topics.aidTaken(key.site(), key.alert(), own), WITHDRAWN, true));
            }
            takeBack(key);
            return;
        }
        AidRequest request = decode(key, payload, "request for help");
        if (request == null) {
            return;
        }
        AidRequest before = offered.put(key, request);
        if (!request.equals(before)) {
            neighbourChanged();
        }
        if (request.taken() != null && sites.configured().contains(request.taken().site())) {
            took.putIfAbsent(key, request.taken().site()); // taken here, perhaps before a restart
        }
        String as = took.get(key);
        if (as != null && request.taken() != null && !request.taken().site().equals(as)) {
            takeBack(key); // another site said so first
        }
        if (before == null && request.taken() == null && clock.millis() - request.askedAt() < FRESH_MS) {
            // The notifier, where people have accounts, tells them on its own context.
            vertx.eventBus().publish(Notifier.NEIGHBOUR_ASKS, new JsonObject()
                    .put("request", JsonObject.mapFrom(request)).put("sites", new JsonArray(sites.configured())));
        }
    }

    private void takeBack(Key key) {
        String as = took.remove(key);
        if (as != null) {
            link.publish(Topics.aidTaken(key.site(), key.alert(), as), WITHDRAWN, true);
            neighbourChanged();
        }
    }

    private static AidRequest decode(Key key, byte[] payload, String what) {
        try {
            AidRequest request = ProtocolJson.decodeAidRequest(payload);
            if (request.site().equals(key.site()) && request.alert().equals(key.alert())) {
                return request;
            }
            LOG.warn("Ignoring a {} of {} about alert {}: it names another site or alert", what, key.site(),
                    key.alert());
        } catch (IllegalArgumentException e) {
            LOG.warn("Ignoring a {} of {} about alert {}: {}", what, key.site(), key.alert(), e.getMessage());
        }
        return null;
    }

    /**
     * A person of site {@code as} takes a neighbour's request. Fails with {@link NoSuchElementException} when there is
     * no such open request, and with {@link IllegalStateException} when someone else took it.
     */
    public Future<AidRequest> take(String site, String alert, String person, String as) {
        Promise<AidRequest> answer = Promise.promise();
        context.runOnContext(v -> {
            Key key = new Key(site, alert);
            AidRequest request = offered.get(key);
            if (request == null) {
                answer.fail(new NoSuchElementException("no neighbour asks for help with alert '" + alert + "' of site '"
                        + site + "' now; it may have been answered or resolved meanwhile"));
                return;
            }
            if (request.taken() != null && !request.taken().site().equals(as)) {
                answer.fail(new IllegalStateException(request.taken().words() + " already took it"));
                return;
            }
            if (took.containsKey(key)) {
                answer.complete(request); // someone here took it already; their name stands
                return;
            }
            took.put(key, as);
            link.publish(Topics.aidTaken(site, alert, as), ProtocolJson.encode(new AidTaken(1, person,
                    clock.millis())), true);
            neighbourChanged();
            answer.complete(request);
        });
        return answer.future();
    }

    /**
     * What the dashboard lists: this collector's own requests ({@code asked}) and its neighbours' ({@code offered},
     * each with {@code tookAs}, the site a steward here took it as, when one did), and whether the hub's broker can be
     * reached now.
     */
    public Future<JsonObject> list() {
        Promise<JsonObject> answer = Promise.promise();
        context.runOnContext(v -> {
            JsonArray own = new JsonArray();
            asked.values().forEach(r -> own.add(JsonObject.mapFrom(r)));
            JsonArray theirs = new JsonArray();
            offered.forEach((key, r) -> theirs.add(JsonObject.mapFrom(r).put("tookAs", took.get(key))));
            answer.complete(new JsonObject().put("ask", help.ask()).put("offer", help.offer())
                    .put("connected", link.isReady()).put("problem", link.problem()).put("asked", own)
                    .put("offered", theirs));
        });
        return answer.future();
    }

    /** The site a person takes a request as: the first of this collector's sites where {@code mayHelp} holds. */
    public Optional<String> helperSite(Predicate<String> mayHelp) {
        return sites.configured().stream().filter(mayHelp).findFirst();
    }
}
