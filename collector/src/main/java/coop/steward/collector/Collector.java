package coop.steward.collector;

import coop.steward.collector.alert.AlertState;
import coop.steward.collector.alert.Alerts;
import coop.steward.collector.config.Sharing;
import coop.steward.collector.forward.ForwardLog;
import coop.steward.collector.forward.Forwarder;
import coop.steward.collector.hub.AlertOwnership;
import coop.steward.collector.hub.HubMembers;
import coop.steward.collector.hub.HubSites;
import coop.steward.collector.hub.NeighbourWatch;
import coop.steward.collector.command.CommandLog;
import coop.steward.collector.command.Commands;
import coop.steward.collector.http.HttpApi;
import coop.steward.collector.config.CollectorConfig;
import coop.steward.collector.config.Help;
import coop.steward.collector.aid.MutualAid;
import coop.steward.collector.notify.Notifier;
import coop.steward.collector.notify.PendingNotices;
import coop.steward.collector.settings.ConfigEditor;
import coop.steward.collector.people.PeopleStore;
import coop.steward.collector.http.MalformedRequests;
import coop.steward.collector.ingest.AckGate;
import coop.steward.collector.ingest.CommitListener;
import coop.steward.collector.ingest.IngestSettings;
import coop.steward.collector.ingest.MqttIngest;
import coop.steward.collector.ingest.RejectionLog;
import coop.steward.collector.presence.HealthReports;
import coop.steward.collector.presence.Presence;
import coop.steward.collector.site.Sites;
import coop.steward.collector.store.InfluxReadingStore;
import coop.steward.collector.store.ReadingStore;
import coop.steward.collector.store.EmbeddedStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.time.Clock;
import java.time.ZoneId;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The collector as one unit: store, alerts, ingest and HTTP API, started in that order. Tests start exactly this. */
public final class Collector {
    private static final Logger LOG = LoggerFactory.getLogger(Collector.class);
    private final Vertx vertx;
    private final ReadingStore store;
    private final MqttIngest ingest;
    private final String ingestDeployment;
    private final Alerts alerts;
    private final HttpServer http;
    private final StoreMaintenance maintenance;

    private final Commands commands;
    private final Notifier notifier;
    private final String forwarderDeployment;
    private final NeighbourWatch neighbours;
    private final String aidDeployment;
    private final PrometheusMeterRegistry metrics;

    private Collector(Vertx vertx, ReadingStore store, MqttIngest ingest, String ingestDeployment, Alerts alerts,
                      HttpServer http, StoreMaintenance maintenance, Commands commands, Notifier notifier,
                      String forwarderDeployment, NeighbourWatch neighbours, String aidDeployment,
                      PrometheusMeterRegistry metrics) {
        this.metrics = metrics;
        this.aidDeployment = aidDeployment;
        this.forwarderDeployment = forwarderDeployment;
        this.neighbours = neighbours;
        this.commands = commands;
        this.notifier = notifier;
        this.vertx = vertx;
        this.store = store;
        this.ingest = ingest;
        this.ingestDeployment = ingestDeployment;
        this.alerts = alerts;
        this.http = http;
        this.maintenance = maintenance;
    }

    public static Future<Collector> start(Vertx vertx, CollectorSettings settings) {
        return start(vertx, settings, Clock.systemUTC());
    }

    public static Future<Collector> start(Vertx vertx, CollectorSettings settings, Clock clock) {
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        RejectionLog rejections = new RejectionLog(metrics);
        AtomicReference<Sharing> sharing = new AtomicReference<>(settings.federation().sharing());
        // SQLite files opened on a worker: the people store's first use also hashes (Argon2) its stand-in password.
        return vertx.executeBlocking(() -> new OnDisk(openStore(settings),
                        settings.accounts() ? PeopleStore.open(settings.dataDir()) : null,
                        CommandLog.open(settings.dataDir()),
                        settings.accounts() ? PendingNotices.open(settings.dataDir()) : null))
                .compose(files -> Alerts.start(vertx, settings.alerts(), settings.dataDir(), metrics, clock)
                        .recover(e -> {
                            files.store().close();
                            return Future.failedFuture(e);
                        })
                        .compose(alerts -> serve(vertx, settings, clock, metrics, rejections, files, alerts,
                                sharing)));
    }

    /** What the collector keeps on disk, opened before it serves. */
    private record OnDisk(Opened store, PeopleStore people, CommandLog commandLog, PendingNotices notices) {
    }

    /** The readings' store and, at a site that forwards to a hub, the log of what waits for the hub. */
    private record Opened(ReadingStore store, ForwardLog forwardLog) {
        void close() {
            store.close();
            if (forwardLog != null) {
                forwardLog.close();
            }
        }
    }

    private static Future<Collector> serve(Vertx vertx, CollectorSettings settings, Clock clock,
                                           PrometheusMeterRegistry metrics, RejectionLog rejections,
                                           OnDisk files, Alerts alerts, AtomicReference<Sharing> sharing) {
        ReadingStore store = files.store().store();
        Presence presence = new Presence();
        HealthReports health = new HealthReports();
        HubSites hub = settings.federation().hub() ? new HubSites() : null;
        Sites sites = new Sites(settings.sites(), ZoneId.systemDefault(), settings.alerts());
        if (hub != null) {
            sites.learnFrom(hub::report); // the zones and arrays of the sites that forward here
        }
        Forwarder forwarder = forwarder(settings, files.store().forwardLog(), store, sites, sharing, alerts, metrics,
                clock);
        // At a hub of several collectors, each site's alerts are one collector's: committed batches go to the owner.
        String group = settings.federation().hubGroup();
        AlertOwnership ownership = group == null ? null : new AlertOwnership(vertx,
                new HubMembers(group, settings.ingest().clientId()), alerts, store, sites, clock);
        CommitListener rules = ownership == null ? alerts : ownership;
        // The alert rules hear of every committed batch; the hub, of the statuses of the devices the site shares.
        CommitListener committed = forwarder == null ? rules : (readings, statuses) -> {
            rules.committed(readings, statuses);
            forwarder.statusesCommitted(statuses);
        };
        MqttIngest ingest = new MqttIngest(settings.ingest(), settings.limits(), store, metrics, rejections, presence,
                health, clock, committed, hub, forwarder == null ? AckGate.NONE : forwarder);
        if (ownership != null) {
            ingest.sharingLoadWith(ownership);
            ownership.sendThrough(ingest::publish, ingest::sendNow);
            alerts.ownOnly(ownership.idSlot(), ownership); // before attach: nothing restored is published again
        }
        HttpApi api = new HttpApi(vertx, store, ingest, rejections, presence, health, alerts, metrics, clock, sites);
        if (ownership != null) {
            api.reportGroup(ownership::health);
        }
        PeopleStore people = files.people();
        // Only people with accounts can choose which alerts reach them.
        Help help = settings.federation().forwardTo() == null ? Help.NONE : settings.federation().help();
        Notifier notifier = people == null ? null : new Notifier(vertx, people, settings.mail(), clock,
                alerts::record, files.notices(), site -> help.ask());
        // At every forwarding site, also one that stopped asking: what it asked before is withdrawn.
        IngestSettings uplink = settings.federation().forwardTo();
        MutualAid aid = uplink == null ? null : new MutualAid(uplink.withClientId(uplink.clientId() + "-aid"), help,
                sites, alerts, metrics, clock);
        api.offerAid(aid);
        CommandLog commandLog = files.commandLog();
        Commands commands = new Commands(vertx, settings.ingest(), settings.ingest().commandLoginName(),
                settings.ingest().commandLoginPassword(), commandLog, clock);
        // Compressed: the dashboard's scripts and a year of chart data cost a tenth over a slow link.
        // Idle connections go after two minutes; the event stream's heartbeat keeps its own alive.
        // No HTTP/2 upgrade of plain connections (h2c): browsers never ask for it, and a client that does (Java's
        // HttpClient asks on every first request) had answers of blocking routes cut short or never finished.
        // Before the API serves it, and before the notifier goes on with escalations that may end in asking for help.
        Future<String> aiding = aid == null ? Future.succeededFuture() : vertx.deployVerticle(aid);
        return aiding.compose(aidId -> vertx.createHttpServer(new HttpServerOptions().setCompressionSupported(true)
                        .setIdleTimeout(120)
                        .setHttp2ClearTextEnabled(false))
                .invalidRequestHandler(MalformedRequests::invalidRequest)
                .requestHandler(api.router(people, commands, commandLog, new ConfigEditor(vertx,
                        settings.configFile(), new CollectorConfig(settings.rawRetention(), settings.alerts(),
                        settings.sites(), settings.limits(), settings.federation().sharing(),
                        settings.federation().neighbours(), settings.federation().help()), alerts, sites,
                        sharingChanges(files.store().forwardLog(), sharing)), hub, forwarder))
                .listen(settings.httpPort(), settings.httpHost())
                .recover(e -> (aidId == null ? Future.<Void>succeededFuture() : vertx.undeploy(aidId))
                        .eventually(alerts::stop).eventually(() -> {
                    files.store().close();
                    return Future.succeededFuture();
                }).transform(ar -> Future.failedFuture(new IllegalStateException("cannot serve HTTP on "
                        + settings.httpHost() + ":" + settings.httpPort() + " (" + e.getMessage()
                        + "): choose another port with --http", e))))
                // The forwarder first: ingest hands it committed readings from its first batch on.
                .compose(http -> (forwarder == null ? Future.<String>succeededFuture(null)
                        : vertx.deployVerticle(forwarder)).compose(forwarding -> vertx.deployVerticle(ingest)
                        .compose(id -> {
                    alerts.attach(ingest::publish, ingest::isConnected);
                    NeighbourWatch watch = null;
                    if (hub != null) {
                        alerts.hearSitesThrough((site, since) -> hub.listeningSince(site, since, clock.millis()));
                        watch = new NeighbourWatch(vertx, store, sites, settings.federation()::neighbours,
                                ingest::publish, clock, ownership == null ? site -> true : ownership::holds);
                        watch.start();
                    }
                    NeighbourWatch started = watch;
                    commands.start();
                    return (notifier == null ? Future.<Void>succeededFuture() : notifier.start())
                            .map(v -> new Collector(vertx, store, ingest, id, alerts, http,
                                    StoreMaintenance.start(vertx, store, clock, metrics), commands, notifier,
                                    forwarding, started, aidId, metrics));
                }))));
    }

    /**
     * Where a new sharing choice goes, saved from the dashboard: it applies to the next write, and what waits of the
     * devices no longer shared is dropped, so that the hub never receives more than the site shares. Null at a site
     * that forwards to no hub.
     */
    private static Consumer<Sharing> sharingChanges(ForwardLog log, AtomicReference<Sharing> sharing) {
        if (log == null) {
            return null;
        }
        return next -> {
            sharing.set(next);
            long dropped = log.dropUnshared(next::dataOf);
            if (dropped > 0) {
                LOG.info("Sharing changed: {} messages waiting for the hub were dropped, of devices no longer shared",
                        dropped);
            }
        };
    }

    /** What forwards to the hub, if the site does; null if not. */
    private static Forwarder forwarder(CollectorSettings settings, ForwardLog log, ReadingStore store, Sites sites,
                                       AtomicReference<Sharing> sharing, Alerts alerts,
                                       PrometheusMeterRegistry metrics, Clock clock) {
        if (log == null) {
            return null;
        }
        // The hub hears of the alerts of devices whose status, at least, the site shares.
        Function<String, Future<Integer>> openAlerts = site -> alerts.list(Set.of(AlertState.OPEN), site)
                .map(open -> (int) open.stream().filter(a -> a.device() == null
                        || sharing.get().of(site, a.device()) != Sharing.Share.NOTHING).count());
        return new Forwarder(settings.federation().forwardTo(), log, store, sites, sharing::get, openAlerts,
                alerts::neighbours, metrics, clock);
    }

    private static Opened openStore(CollectorSettings settings) {
        ForwardLog log = settings.federation().forwardTo() == null ? null : ForwardLog.open(settings.dataDir());
        try {
            ReadingStore store = settings.influx() == null
                    ? EmbeddedStore.open(settings.dataDir(), settings.rawRetention())
                    : InfluxReadingStore.open(settings.influx(), settings.rawRetention());
            return new Opened(store, log);
        } catch (RuntimeException e) {
            if (log != null) {
                log.close();
            }
            throw e;
        }
    }

    public int httpPort() {
        return http.actualPort();
    }

    /**
     * Readings newly stored since start, the figure /metrics gives as steward_readings_stored_total: for a harness in
     * the same process, which can watch it closely without a scrape's cost and delay.
     */
    public double readingsStored() {
        Counter stored = metrics.find("steward.readings.stored").counter();
        return stored == null ? 0 : stored.count();
    }

    /**
     * MQTT messages received and not yet committed and acknowledged, the figure /metrics gives as
     * steward_ingest_pending_messages: for a harness in the same process, as {@link #readingsStored}.
     */
    public double messagesPending() {
        Gauge pending = metrics.find("steward.ingest.pending.messages").gauge();
        return pending == null ? 0 : pending.value();
    }

    public Future<Void> stop() {
        maintenance.stop();
        if (neighbours != null) {
            neighbours.stop();
        }
        commands.stop();
        if (notifier != null) {
            notifier.stop();
        }
        return http.close()
                .compose(v -> aidDeployment == null ? Future.<Void>succeededFuture() : vertx.undeploy(aidDeployment))
                .compose(v -> vertx.undeploy(ingestDeployment))
                .compose(v -> forwarderDeployment == null ? Future.<Void>succeededFuture()
                        : vertx.undeploy(forwarderDeployment))
                .compose(v -> alerts.stop())
                .compose(v -> vertx.executeBlocking(() -> {
                    store.close();
                    return null;
                }));
    }
}
