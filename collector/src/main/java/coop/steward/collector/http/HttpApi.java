package coop.steward.collector.http;

import coop.steward.collector.aid.MutualAid;
import coop.steward.collector.alert.Alerts;
import coop.steward.collector.history.CounterTotals;
import coop.steward.collector.history.ValveSpans;
import coop.steward.collector.forward.Forwarder;
import coop.steward.collector.hub.HubSites;
import coop.steward.collector.ingest.MqttIngest;
import coop.steward.collector.ingest.RejectionLog;
import coop.steward.collector.presence.HealthReports;
import coop.steward.collector.command.CommandLog;
import coop.steward.collector.command.Commands;
import coop.steward.collector.people.PeopleStore;
import coop.steward.collector.people.Role;
import coop.steward.collector.presence.Presence;
import coop.steward.collector.settings.ConfigEditor;
import coop.steward.collector.site.Sites;
import coop.steward.collector.store.ReadingStore;
import coop.steward.collector.store.SeriesQuery;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.handler.TimeoutHandler;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The collector's HTTP API and the dashboard, as the contract lists them. Store work runs on workers. */
public final class HttpApi {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    /** Longer than a year of a busy Pi's data takes to answer, and than a device takes to answer a command. */
    static final long REQUEST_TIMEOUT_MS = 60_000;

    private final Vertx vertx;
    private final ReadingStore store;
    private final MqttIngest ingest;
    private final RejectionLog rejections;
    private final Presence presence;
    private final HealthReports deviceHealth;
    private final Alerts alerts;
    private final PrometheusMeterRegistry metrics;
    private final Clock clock;
    private final Sites sites;
    private final Blocking blocking;
    private Forwarder uplink;
    private java.util.function.Supplier<JsonObject> group;
    private MutualAid aid;

    public HttpApi(Vertx vertx, ReadingStore store, MqttIngest ingest, RejectionLog rejections, Presence presence,
                   HealthReports deviceHealth, Alerts alerts, PrometheusMeterRegistry metrics, Clock clock,
                   Sites sites) {
        this.presence = presence;
        this.deviceHealth = deviceHealth;
        this.alerts = alerts;
        this.vertx = vertx;
        this.store = store;
        this.ingest = ingest;
        this.rejections = rejections;
        this.metrics = metrics;
        this.clock = clock;
        this.sites = sites;
        this.blocking = new Blocking(vertx);
    }

    /**
     * @param people   whose accounts the API asks for, or null to serve anyone who reaches it
     * @param commands sends devices the commands people give, recorded in {@code log}
     * @param settings the collector config file as admins edit it
     * @param hub      the sites that forward to this collector, or null when it does not serve as a hub
     * @param uplink   what forwards this site's data to its hub, or null when it forwards to none
     */
    /** At a hub of several collectors: how the group stands, for {@code /health}. Before {@link #router}. */
    public void reportGroup(java.util.function.Supplier<JsonObject> group) {
        this.group = group;
    }

    /** Before {@link #router}: the site's mutual aid with its neighbours, where it asks or offers help. */
    public void offerAid(MutualAid aid) {
        this.aid = aid;
    }

    public Router router(PeopleStore people, Commands commands, CommandLog log, ConfigEditor settings,
                         HubSites hub, Forwarder uplink) {
        this.uplink = uplink;
        Router router = Router.router(vertx);
        router.route().handler(new ConnectionLimit(ConnectionLimit.MAX_CONNECTIONS)::handle);
        router.route().handler(MalformedRequests::checkAddress);
        // No request but the event stream may take longer than this: a slow store answers 503, not never.
        router.routeWithRegex("/api/v1/(?!stream).*").handler(TimeoutHandler.create(REQUEST_TIMEOUT_MS, 503));
        (people == null ? Access.open() : Access.accounts(people, blocking, clock)).mount(router);
        new CommandRoutes(commands, log, blocking).mount(router);
        PeopleAnswers peopleAnswers = new PeopleAnswers(people, blocking);
        new NotifyRoutes(peopleAnswers).mount(router);
        new RotaRoutes(peopleAnswers, sites, clock).mount(router);
        new PeopleRoutes(peopleAnswers).mount(router);
        router.get("/health").handler(this::health);
        router.get("/metrics").handler(this::metrics);
        new DeviceRoutes(store, presence, deviceHealth, clock, blocking).mount(router);
        new SiteRoutes(store, sites, blocking).mount(router);
        new SeriesBatchRoutes(store, clock, blocking).mount(router);
        new SpanRoutes(new ValveSpans(store), clock, blocking).mount(router);
        new TotalsRoutes(new CounterTotals(store), sites, clock, blocking).mount(router);
        new ReportRoutes(store, sites, alerts, clock, blocking).mount(router);
        router.get("/api/v1/series").handler(this::series);
        router.get("/api/v1/rejected").handler(ctx -> {
            // What hostile or broken clients sent, of every site: for those who look after devices.
            Access.requireAnywhere(ctx, Role.INSTALLER);
            blocking.json(ctx, this::rejected);
        });
        new AlertRoutes(alerts).mount(router);
        new AidRoutes(aid).mount(router);
        new SettingsRoutes(settings).mount(router);
        if (hub != null) {
            new HubRoutes(hub, clock).mount(router);
        }
        router.get("/api/v1/stream").handler(new EventStream(vertx, Map.of(MqttIngest.READING_EVENTS, "reading",
                Alerts.EVENTS, "alert", MutualAid.EVENTS, "aid"), ingest::listenToReadings)::handle);
        router.route("/api/*").handler(ctx -> fail(ctx, new ApiError(404, "no such API: " + ctx.request().path()
                + "; see docs/protocol.md for the endpoints")));
        // uPlot from its WebJar on the class path: a Pi in a field is often offline, so nothing comes from a CDN.
        router.route("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars")
                .setCachingEnabled(true).setMaxAgeSeconds(86_400));
        router.route("/*").handler(StaticHandler.create("webroot").setCachingEnabled(false));
        router.route().failureHandler(this::failure);
        // What the router answers by itself (no route, wrong method, a failure while matching) gets a sentence too.
        for (int status : new int[] {400, 404, 405, 406, 413, 415, 500}) {
            router.errorHandler(status, this::failure);
        }
        return router;
    }

    private void health(RoutingContext ctx) {
        blocking.run(() -> {
            store.ping();
            return null;
        }).onComplete(ar -> {
            String problem = null;
            if (!ingest.isConnected() && !ingest.isPaused()) {
                problem = ingest.brokerProblem();
            } else if (ar.failed()) {
                problem = "the store cannot be read: " + ar.cause().getMessage();
            } else if (ingest.storeError() != null) {
                problem = "the store refuses writes (retrying): " + ingest.storeError();
            }
            // Paused is healthy: the store is catching up on a burst, and the broker keeps what follows meanwhile.
            JsonObject body = new JsonObject()
                    .put("status", problem == null ? "UP" : "DOWN")
                    .put("broker", ingest.isConnected() ? "connected" : ingest.isPaused() ? "paused" : "disconnected")
                    .put("store", ar.succeeded() && ingest.storeError() == null ? "ok" : "failing");
            if (problem != null) {
                body.put("error", problem);
            }
            if (uplink != null) {
                // A hub out of reach is not a site's failure: the site works alone, and catches up later.
                body.put("hub", uplink.isConnected() ? "connected" : "disconnected")
                        .put("hubBacklog", uplink.backlog());
                if (!uplink.isConnected()) {
                    body.put("hubProblem", uplink.problem());
                }
            }
            if (group != null) {
                body.put("hubGroup", group.get());
            }
            ctx.response().setStatusCode(problem == null ? 200 : 503)
                    .putHeader("Content-Type", "application/json").end(body.encode());
        });
    }

    private void metrics(RoutingContext ctx) {
        ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape());
    }

    private void series(RoutingContext ctx) {
        SeriesQuery query;
        try {
            query = SeriesRequest.parse(ctx.queryParams(), clock.millis());
        } catch (ApiError e) {
            fail(ctx, e);
            return;
        }
        boolean csv;
        try {
            csv = SeriesCsv.wanted(ctx.queryParams().get("format"), ctx.request().getHeader("Accept"));
        } catch (ApiError e) {
            fail(ctx, e);
            return;
        }
        if (!csv) {
            blocking.json(ctx, () -> SeriesJson.of(query, store.query(query)));
            return;
        }
        blocking.run(() -> store.query(query)).onComplete(ar -> {
            if (ar.failed()) {
                fail(ctx, ar.cause());
                return;
            }
            ctx.response().putHeader("Content-Type", "text/csv; charset=utf-8")
                    .putHeader("Content-Disposition", "attachment; filename=\"" + SeriesCsv.fileName(query) + "\"")
                    .end(SeriesCsv.render(query, ar.result()));
        });
    }

    private Object rejected() {
        JsonArray list = new JsonArray();
        for (RejectionLog.Entry e : rejections.latest()) {
            list.add(new JsonObject().put("t", e.t()).put("topic", e.topic()).put("reason", e.reason())
                    .put("detail", e.detail()));
        }
        return list;
    }

    private void failure(RoutingContext ctx) {
        Throwable cause = ctx.failure();
        int status = ctx.statusCode();
        if (cause instanceof ApiError || cause instanceof HttpException || status < 400 || status >= 500) {
            fail(ctx, cause != null ? cause : new ApiError(status, "the request failed with status " + status));
            return;
        }
        String path = cut(ctx.request().path(), 120);
        fail(ctx, new ApiError(status, switch (status) {
            case 404 -> "nothing here: " + path + "; the dashboard is at / and the API under /api/v1/ "
                    + "(see docs/protocol.md)";
            case 405 -> path + " does not take " + ctx.request().method() + " requests; see docs/protocol.md";
            default -> "the request was refused" + (cause == null ? "" : " (" + cut(cause.getMessage(), 200) + ")")
                    + "; see docs/protocol.md for the API";
        }));
    }

    private static String cut(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max) + "...";
    }

    private static void fail(RoutingContext ctx, Throwable cause) {
        if (ctx.response().ended()) {
            return;
        }
        int status;
        String message;
        if (cause instanceof ApiError e) {
            status = e.status();
            message = e.getMessage();
        } else if (cause instanceof HttpException e && e.getStatusCode() < 500) {
            status = e.getStatusCode();
            message = "the request was refused (" + e.getMessage() + "); see docs/protocol.md for the API";
        } else {
            status = 500;
            message = "the collector could not answer: " + cause.getMessage() + " (see its log)";
            LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), cause);
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("error", message).encode());
    }
}
