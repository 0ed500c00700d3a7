package coop.steward.collector.alert;

import coop.steward.collector.config.AlertsConfig;
import coop.steward.collector.store.DeviceStatus;
import coop.steward.protocol.DecodedReadings;
import coop.steward.protocol.Reading;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the alert engine: every rule's state and the alerts' lifecycle live on this verticle's context and are
 * touched nowhere else, so nothing needs a lock. Start-up restores the alerts and the rules' memory from
 * {@code alerts.db}; changes are persisted on a worker and delivered to MQTT, the SSE stream and the webhooks.
 */
final class AlertVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(AlertVerticle.class);
    /**
     * What rules remember is saved this often (and at shutdown). Each save appends pages to alerts.db's log: every
     * minute, that was the collector's largest write on an SD card at a small site (docs/deployment.md). A crash
     * forgets at most this much: a sensor's last reading, which its next reading sets again, and meter readings,
     * which count water as differences of a total, so the next one counts what the lost ones did.
     */
    private static final long SAVE_STATE_MS = 10 * 60_000;

    private record Loaded(AlertDb db, AlertBook.Restored restored, Map<String, String> ruleStates) {
    }

    private AlertsConfig config;
    private final Path dataDir;
    private final MeterRegistry registry;
    private final Clock clock;
    private final long tickMs;
    private final long webhookRetryMs;
    private final MqttAlerts mqtt = new MqttAlerts();
    private final List<WebhookSender> webhooks = new ArrayList<>();
    private final java.util.Set<String> owned = new java.util.HashSet<>();
    private OtherOwners others = OtherOwners.NONE;
    private AlertDb db;
    private AlertWriter writer;
    private AlertEngine engine;
    private WebClient client;
    private BooleanSupplier connected = () -> false;
    private long tickTimer = -1;
    private long saveTimer = -1;

    AlertVerticle(AlertsConfig config, Path dataDir, MeterRegistry registry, Clock clock, long tickMs,
                  long webhookRetryMs) {
        this.config = config;
        this.dataDir = dataDir;
        this.registry = registry;
        this.clock = clock;
        this.tickMs = tickMs;
        this.webhookRetryMs = webhookRetryMs;
    }

    @Override
    public Future<?> start() {
        return vertx.executeBlocking(() -> {
            AlertDb opened = AlertDb.open(dataDir);
            try {
                return new Loaded(opened, opened.load(AlertBook.RESOLVED_KEPT), opened.ruleStates());
            } catch (Exception e) {
                opened.close();
                throw e;
            }
        }).map(loaded -> {
            build(loaded);
            return null;
        });
    }

    private void build(Loaded loaded) {
        db = loaded.db();
        writer = new AlertWriter(vertx, db);
        List<Rule> rules = rules(config, loaded.ruleStates());
        long active = loaded.restored().alerts().stream().filter(Alert::isActive).count();
        AlertMetrics metrics = new AlertMetrics(registry, rules.stream().map(Rule::id).toList(), (int) active);
        if (!config.webhooks().isEmpty()) {
            client = WebClient.create(vertx);
            config.webhooks().forEach(hook -> webhooks.add(new WebhookSender(vertx, client, hook, registry,
                    webhookRetryMs, 300_000, WebhookSender.CAPACITY)));
        }
        // Those that reach people first: the stream and the broker, then webhooks. Saving to alerts.db and counting
        // in the metrics go after them: each only queues work, but ahead of the stream that cost its events about
        // 0.3 ms at the median under the alert bench.
        List<Consumer<AlertChange>> outlets = new ArrayList<>();
        outlets.add(this::toEventBus);
        outlets.add(mqtt);
        outlets.addAll(webhooks);
        outlets.add(writer);
        outlets.add(metrics);
        AlertBook book = new AlertBook(loaded.restored(), clock::millis, config.lateAfter().toMillis(),
                config.renotify().toMillis(), change -> deliver(outlets, change));
        engine = new AlertEngine(rules, book, clock::millis);
        tickTimer = vertx.setPeriodic(tickMs, id -> engine.tick(connected.getAsBoolean()));
        saveTimer = vertx.setPeriodic(SAVE_STATE_MS, id -> saveRuleStates());
        LOG.info("Alerts: {} rules ({}), {} open alerts restored, {} webhooks", rules.size(),
                String.join(", ", rules.stream().map(Rule::id).toList()), active, webhooks.size());
    }

    /** The config's rules, each given what it remembered under its id, when it can still use it. */
    private static List<Rule> rules(AlertsConfig config, Map<String, String> states) {
        List<Rule> rules = Rules.of(config);
        for (Rule rule : rules) {
            String state = states.get(rule.id());
            if (state != null) {
                try {
                    rule.restoreState(state);
                } catch (RuntimeException e) {
                    LOG.warn("Alert rule {} cannot use its saved state, it starts afresh: {}", rule.id(), e.getMessage());
                }
            }
        }
        return rules;
    }

    /**
     * Evaluates the rules and arrays of {@code next} from now on; each rule that keeps its id keeps what it
     * remembered, and the active alerts of rules no longer there are resolved. Webhooks and reminder and lateness
     * times stay as they were started.
     */
    void reconfigure(AlertsConfig next) {
        List<Rule> rules = rules(next, ruleStates());
        java.util.Set<String> ids = new java.util.HashSet<>(rules.stream().map(Rule::id).toList());
        long now = clock.millis();
        for (Alert alert : engine.book().active()) {
            if (!ids.contains(alert.rule()) && !NeighbourVerdicts.owns(alert.rule())) {
                engine.book().clear(alert.rule(), alert.subject(), Math.max(now, alert.openedAt()),
                        "The rule " + alert.rule() + " was taken out of the collector's config.");
            }
        }
        engine.replaceRules(rules);
        config = next;
        LOG.info("Alerts: now {} rules ({})", rules.size(), String.join(", ", ids.stream().sorted().toList()));
    }

    /** Each outlet on its own: one that fails never keeps the change from the others. */
    private static void deliver(List<Consumer<AlertChange>> outlets, AlertChange change) {
        for (Consumer<AlertChange> outlet : outlets) {
            try {
                outlet.accept(change);
            } catch (RuntimeException e) {
                LOG.error("Delivering alert {} ({}) to {} failed", change.alert().id(), change.kind().code(),
                        outlet.getClass().getSimpleName(), e);
            }
        }
    }

    private void toEventBus(AlertChange change) {
        if (change.kind() != AlertChange.Kind.REMINDER) {
            vertx.eventBus().publish(Alerts.EVENTS, change.alert().toJson().put("event", change.kind().code()));
        }
    }

    // The methods below run on this verticle's context only (Alerts hops onto it).

    void hearSitesThrough(SiteHearing sites) {
        engine.book().hearSitesThrough(sites);
    }

    /** At a hub of several collectors: from now on, only the sites handed over by {@link #own} are this one's. */
    void ownOnly(int slot, OtherOwners others) {
        this.others = others;
        engine.book().ownOnly(owned::contains, slot);
    }

    /**
     * Acknowledges an alert this collector holds; at a hub of several, one that another holds is acknowledged by its
     * holder, asked over the broker, and answered here as it will be.
     */
    Optional<Alert> acknowledge(String id, String note, String by) {
        Optional<Alert> held = engine.book().acknowledge(id, note, by);
        if (held.isPresent()) {
            return held;
        }
        Optional<Alert> elsewhere = others.alerts().stream().filter(a -> a.id().equals(id)).findFirst();
        elsewhere.ifPresent(alert -> others.acknowledge(id, note, by));
        return elsewhere.map(alert -> alert.state() == AlertState.OPEN ? alert.acknowledged(clock.millis(), note, by)
                : note == null ? alert : alert.noted(note));
    }

    /**
     * Takes over a site: its open alerts as their last owner published them, then its devices' statuses and its
     * recent readings (data order per device), through the rules, which so learn what they need to go on. What
     * that replay finds open and is already open is left as it is; what it finds and nobody raised is raised.
     */
    void own(String site, List<Alert> open, List<DeviceStatus> statuses, List<Map.Entry<String, Reading>> recent) {
        owned.add(site);
        open.forEach(engine.book()::adopt);
        engine.replay(site, statuses, recent);
    }

    /**
     * An alert another collector published for a site this one owns: one it raised before it heard that the site
     * is no longer its own. Taken over, so that it is not left open with no holder; or, when this collector holds
     * an alert of the same rule and subject already, cleared from the broker, so that it is not listed twice.
     */
    void foreign(Alert alert) {
        if (!owned.contains(alert.site()) || engine.book().holds(alert.id())) {
            return;
        }
        if (engine.book().activeAlert(alert.rule(), alert.subject()) != null) {
            mqtt.retract(alert);
        } else {
            engine.book().adopt(alert);
        }
    }

    /** Lets another collector own the site: its alerts are let go here, neither resolved nor told. */
    void release(String site) {
        owned.remove(site);
        engine.book().forgetSite(site);
        engine.forget(site);
    }

    void attach(MqttPublish publish, BooleanSupplier isConnected) {
        this.connected = isConnected;
        mqtt.attach(publish, engine.book().active());
    }

    void committed(List<DecodedReadings> readings, List<DeviceStatus> statuses) {
        for (DeviceStatus status : statuses) {
            engine.status(status);
        }
        for (DecodedReadings r : readings) {
            engine.readings(r.site(), r.device(), r.readings());
        }
    }

    AlertBook book() {
        return engine.book();
    }

    /**
     * The alerts the query matches, newest first: from memory, and with a time bound from alerts.db too, read in
     * turn with the writes to it (ordered on this context), where memory has the latest state of what it holds.
     */
    Future<List<Alert>> find(AlertQuery query) {
        long now = clock.millis();
        AlertBook book = engine.book();
        List<Alert> recent = new ArrayList<>(book.list(alert -> query.matches(alert, now)));
        others.alerts().stream().filter(alert -> !book.holds(alert.id()) && query.matches(alert, now))
                .forEach(recent::add);
        recent.sort(AlertBook.NEWEST_FIRST);
        if (!query.readsHistory()) {
            return Future.succeededFuture(recent);
        }
        return vertx.executeBlocking(() -> db.find(query, now), true).map(stored -> {
            List<Alert> all = new ArrayList<>(recent);
            java.util.Set<String> listed = new java.util.HashSet<>(recent.stream().map(Alert::id).toList());
            stored.stream().filter(alert -> !listed.contains(alert.id())).forEach(all::add);
            all.sort(AlertBook.NEWEST_FIRST);
            return all;
        });
    }

    /** The alert of that id with its history, from memory or alerts.db, read in turn with the writes to it. */
    Future<Optional<AlertHistory>> history(String id) {
        Optional<Alert> latest = engine.book().get(id);
        Optional<Alert> elsewhere = latest.isPresent() ? Optional.empty()
                : others.alerts().stream().filter(a -> a.id().equals(id)).findFirst();
        if (elsewhere.isPresent()) {
            // Its history is kept by the collectors that held it.
            return Future.succeededFuture(Optional.of(AlertHistory.of(elsewhere.get(), List.of())));
        }
        return writer.drain().compose(v -> vertx.executeBlocking(() -> {
            Optional<Alert> alert = latest.isPresent() ? latest : db.get(id);
            return alert.isEmpty() ? Optional.<AlertHistory>empty()
                    : Optional.of(AlertHistory.of(alert.get(), db.history(id)));
        }, true));
    }

    /** Adds a line to an alert's history: who was told of it, and why. */
    void record(AlertEvent event) {
        writer.record(event);
    }

    /** The context that owns the engine, once deployed. */
    Context ownContext() {
        return context;
    }

    /** Drives the clock-driven checks now, for tests that move a fake clock. */
    void tick() {
        engine.tick(connected.getAsBoolean());
    }

    private Future<Void> saveRuleStates() {
        return writer.saveRuleStates(ruleStates(), clock.millis());
    }

    private Map<String, String> ruleStates() {
        Map<String, String> states = new HashMap<>();
        for (Rule rule : engine.rules()) {
            String state = rule.saveState();
            if (state != null) {
                states.put(rule.id(), state);
            }
        }
        return states;
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(tickTimer);
        vertx.cancelTimer(saveTimer);
        webhooks.forEach(WebhookSender::stop);
        if (client != null) {
            client.close();
        }
        return saveRuleStates().recover(e -> Future.succeededFuture())
                .compose(v -> writer.drain().timeout(5, TimeUnit.SECONDS))
                .eventually(() -> vertx.executeBlocking(() -> {
                    db.close();
                    return null;
                }));
    }
}
