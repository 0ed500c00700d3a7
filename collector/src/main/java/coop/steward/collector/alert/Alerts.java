package coop.steward.collector.alert;

import coop.steward.collector.config.AlertsConfig;
import coop.steward.collector.ingest.CommitListener;
import coop.steward.collector.store.DeviceStatus;
import coop.steward.protocol.DecodedReadings;
import coop.steward.protocol.NeighbourReport;
import coop.steward.protocol.Reading;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The collector's stewardship alerts: rules evaluated on every committed reading, on the readings' own timestamps,
 * with alerts kept in {@code alerts.db}. Everything hops onto the alert verticle's (worker) context, which owns all
 * state; callers get futures and are never blocked.
 */
public final class Alerts implements CommitListener {
    /** Event-bus address of alert changes (the alert's JSON plus {@code "event"}), for the SSE stream. */
    public static final String EVENTS = "steward.alert";
    /** The file of the data folder that holds the alerts: every collector that ran in a folder made it there. */
    public static final String FILE = AlertDb.FILE;
    private static final long TICK_MS = 5_000;
    private static final long WEBHOOK_FIRST_RETRY_MS = 1_000;

    private final Vertx vertx;
    private final AlertVerticle verticle;
    private final Context context;
    private final String deploymentId;

    private Alerts(Vertx vertx, AlertVerticle verticle, Context context, String deploymentId) {
        this.vertx = vertx;
        this.verticle = verticle;
        this.context = context;
        this.deploymentId = deploymentId;
    }

    /** Restores the alerts from {@code dataDir}'s {@code alerts.db} (created if missing) and starts the rules. */
    public static Future<Alerts> start(Vertx vertx, AlertsConfig config, Path dataDir, MeterRegistry registry,
                                       Clock clock) {
        return start(vertx, config, dataDir, registry, clock, TICK_MS, WEBHOOK_FIRST_RETRY_MS);
    }

    static Future<Alerts> start(Vertx vertx, AlertsConfig config, Path dataDir, MeterRegistry registry, Clock clock,
                                long tickMs, long webhookFirstRetryMs) {
        AlertVerticle verticle = new AlertVerticle(config, dataDir, registry, clock, tickMs, webhookFirstRetryMs);
        // A worker verticle: evaluating a large batch is CPU work that must not hold up an event loop. Its context
        // still runs one task at a time, so the engine needs no locks. Two threads: one evaluates while the other
        // writes alert changes to alerts.db.
        DeploymentOptions options = new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER)
                .setWorkerPoolName("steward-alerts").setWorkerPoolSize(2);
        return vertx.deployVerticle(verticle, options)
                .map(id -> new Alerts(vertx, verticle, verticle.ownContext(), id));
    }

    /**
     * Where alerts are published on MQTT, and whether the collector hears its broker (silence is judged only while
     * it does). The active alerts are published again now, so the broker's retained state is right after a restart.
     */
    public void attach(MqttPublish publish, BooleanSupplier connected) {
        context.runOnContext(v -> verticle.attach(publish, connected));
    }

    /** At a regional hub: its sites' devices are heard only while their site's link is up. */
    public void hearSitesThrough(SiteHearing sites) {
        context.runOnContext(v -> verticle.hearSitesThrough(sites));
    }

    @Override
    public void committed(List<DecodedReadings> readings, List<DeviceStatus> statuses) {
        context.runOnContext(v -> verticle.committed(readings, statuses));
    }

    /**
     * At a hub of several collectors: this one keeps the alerts of the sites it is handed ({@link #own}) only, with
     * ids spread by {@code slot} (0 to 999) from the other collectors'. Before {@link #attach}.
     */
    public void ownOnly(int slot, OtherOwners others) {
        context.runOnContext(v -> verticle.ownOnly(slot, others));
    }

    /** Takes over a site's alerts: see AlertVerticle#own. In order with {@link #committed}, from one thread. */
    public void own(String site, List<Alert> open, List<DeviceStatus> statuses,
                    List<Map.Entry<String, Reading>> recent) {
        context.runOnContext(v -> verticle.own(site, open, statuses, recent));
    }

    /** At a hub of several collectors: an alert another collector published, for the site's owner to reconcile. */
    public void foreign(Alert alert) {
        context.runOnContext(v -> verticle.foreign(alert));
    }

    /** Another collector owns the site now. */
    public void release(String site) {
        context.runOnContext(v -> verticle.release(site));
    }

    /** At a site that forwards: what the hub concluded of the site's arrays against its neighbours'. */
    public void neighbours(String site, NeighbourReport report) {
        context.runOnContext(v -> NeighbourVerdicts.apply(site, report, verticle.book()));
    }

    /** Newest first (by the data time they opened at); {@code site} null for every site. */
    public Future<List<Alert>> list(Set<AlertState> states, String site) {
        return list(AlertQuery.of(states, site));
    }

    /** Newest first (by the data time they opened at); with a time bound, alerts.db is read too. */
    public Future<List<Alert>> list(AlertQuery query) {
        Promise<List<Alert>> promise = Promise.promise();
        context.runOnContext(v -> verticle.find(query).onComplete(promise));
        return promise.future();
    }

    /** The alert of that id, whatever its state; empty when there is none. */
    public Future<Optional<Alert>> find(String id) {
        return onContext(() -> verticle.book().get(id));
    }

    /**
     * The alert, now acknowledged with the note (null for none), or as it was if it is resolved; empty when there
     * is no such alert. An acknowledged alert gets the new note.
     */
    public Future<Optional<Alert>> acknowledge(String id, String note) {
        return acknowledge(id, note, null);
    }

    /** As {@link #acknowledge(String, String)}, recording who did it ({@code by}; null for no one known). */
    public Future<Optional<Alert>> acknowledge(String id, String note, String by) {
        return onContext(() -> verticle.acknowledge(id, note, by));
    }

    /** At a hub of several collectors: another collector's person acknowledged it; acknowledged if held here. */
    public void acknowledgeIfHeld(String id, String note, String by) {
        context.runOnContext(v -> verticle.book().acknowledge(id, note, by));
    }

    /** The alert of that id with its history, whatever its age; empty when there is none. */
    public Future<Optional<AlertHistory>> history(String id) {
        Promise<Optional<AlertHistory>> promise = Promise.promise();
        context.runOnContext(v -> verticle.history(id).onComplete(promise));
        return promise.future();
    }

    /** Adds a line to an alert's history that no change of the alert brings: who was told of it, and why. */
    public void record(AlertEvent event) {
        context.runOnContext(v -> verticle.record(event));
    }

    /** Evaluates the rules and solar arrays of {@code next} from now on (see AlertVerticle#reconfigure). */
    public Future<Void> reconfigure(AlertsConfig next) {
        return onContext(() -> {
            verticle.reconfigure(next);
            return null;
        });
    }

    /** Runs the clock-driven checks now instead of at the next tick. */
    Future<Void> tick() {
        return onContext(() -> {
            verticle.tick();
            return null;
        });
    }

    /** The active alerts, for tests. */
    Future<List<Alert>> active() {
        return onContext(() -> new ArrayList<>(verticle.book().active()));
    }

    /** Saves what remains and closes {@code alerts.db}. */
    public Future<Void> stop() {
        return vertx.undeploy(deploymentId);
    }

    private <T> Future<T> onContext(Supplier<T> work) {
        Promise<T> promise = Promise.promise();
        context.runOnContext(v -> {
            try {
                promise.complete(work.get());
            } catch (RuntimeException e) {
                promise.fail(e);
            }
        });
        return promise.future();
    }
}
