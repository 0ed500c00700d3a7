package coop.steward.collector.http;

import coop.steward.collector.alert.Alert;
import coop.steward.collector.alert.AlertQuery;
import coop.steward.collector.alert.AlertState;
import coop.steward.collector.alert.Alerts;
import coop.steward.collector.config.Severity;
import coop.steward.collector.report.CommunityReport;
import coop.steward.collector.report.MonthFigures;
import coop.steward.collector.report.Months;
import coop.steward.collector.report.SiteReport;
import coop.steward.collector.site.Sites;
import coop.steward.collector.store.ReadingStore;
import coop.steward.collector.store.SensorSummary;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;

/** {@code GET /api/v1/report}: the community report per site and month, as JSON or CSV. */
final class ReportRoutes {
    private final ReadingStore store;
    private final Sites sites;
    private final Alerts alerts;
    private final CommunityReport report;
    private final Clock clock;
    private final Blocking blocking;

    /** What the request asks for, checked; a month left out is null. */
    private record Asked(String site, YearMonth from, YearMonth to, boolean csv) {
    }

    /** The sites to report on with their months, and the store's series, to find their meters. */
    private record Plan(Map<String, Months> months, List<SensorSummary> sensors) {
    }

    ReportRoutes(ReadingStore store, Sites sites, Alerts alerts, Clock clock, Blocking blocking) {
        this.store = store;
        this.sites = sites;
        this.alerts = alerts;
        this.report = new CommunityReport(store, sites);
        this.clock = clock;
        this.blocking = blocking;
    }

    void mount(Router router) {
        router.get("/api/v1/report").handler(this::report);
    }

    private void report(RoutingContext ctx) {
        Asked asked;
        try {
            asked = asked(ctx.queryParams(), ctx.request().getHeader("Accept"));
        } catch (ApiError e) {
            ctx.fail(e);
            return;
        }
        long now = clock.millis();
        blocking.run(() -> plan(asked, now))
                .compose(plan -> alertsOpenedIn(asked.site(), plan.months())
                        .compose(opened -> blocking.run(() -> report.build(plan.months(), plan.sensors(), opened,
                                now))))
                .onComplete(ar -> {
                    if (ar.failed()) {
                        ctx.fail(ar.cause());
                    } else if (asked.csv()) {
                        ctx.response().putHeader("Content-Type", "text/csv; charset=utf-8")
                                .putHeader("Content-Disposition", "attachment; filename=\"" + ReportCsv.FILE_NAME
                                        + "\"").end(ReportCsv.render(ar.result()));
                    } else {
                        Blocking.send(ctx, json(ar.result()));
                    }
                });
    }

    private static Asked asked(MultiMap params, String accept) {
        String site = Params.optionalId(params, "site");
        YearMonth from = month(params, "from");
        YearMonth to = month(params, "to");
        if (from != null && to != null) {
            if (from.isAfter(to)) {
                throw ApiError.badRequest("from (" + from + ") is after to (" + to + "): swap them");
            }
            checkCount(new Months(from, to));
        }
        return new Asked(site, from, to, SeriesCsv.wanted(params.get("format"), accept));
    }

    private static YearMonth month(MultiMap params, String name) {
        String text = params.get(name);
        if (text == null) {
            return null;
        }
        try {
            if (text.matches("\\d{4}-\\d{2}")) {
                return YearMonth.parse(text);
            }
        } catch (DateTimeParseException e) {
            // reported below
        }
        throw ApiError.badRequest(name + " '" + text + "' is not a month: write it as YYYY-MM, e.g. 2026-11");
    }

    private static void checkCount(Months months) {
        if (months.count() > Months.MAX) {
            throw ApiError.badRequest("from " + months.from() + " to " + months.to() + " is " + months.count()
                    + " months; a report covers at most " + Months.MAX + ": ask for the rest in another");
        }
    }

    /** Blocking: the sites to report on, each with its months (its own current month when to is left out). */
    private Plan plan(Asked asked, long now) {
        List<SensorSummary> sensors = store.sensors();
        SortedSet<String> known = sites.known(store.devices(), sensors);
        if (asked.site() != null && !known.contains(asked.site())) {
            throw new ApiError(404, "no site '" + asked.site() + "': the collector knows " + (known.isEmpty()
                    ? "no sites yet" : String.join(", ", known)));
        }
        Map<String, Months> months = new LinkedHashMap<>();
        for (String site : asked.site() == null ? known : List.of(asked.site())) {
            Months range = Months.resolve(asked.from(), asked.to(), sites.zone(site), now);
            checkCount(range);
            months.put(site, range);
        }
        return new Plan(months, sensors);
    }

    /** Every alert of the site(s) opened in any reported month, from alerts.db too. */
    private Future<List<Alert>> alertsOpenedIn(String site, Map<String, Months> months) {
        if (months.isEmpty()) {
            return Future.succeededFuture(List.of());
        }
        long from = Long.MAX_VALUE;
        long to = Long.MIN_VALUE;
        for (Map.Entry<String, Months> e : months.entrySet()) {
            ZoneId zone = sites.zone(e.getKey());
            from = Math.min(from, e.getValue().start(zone));
            to = Math.max(to, e.getValue().end(zone));
        }
        return alerts.list(new AlertQuery(EnumSet.allOf(AlertState.class), site, null, EnumSet.allOf(Severity.class),
                from, to));
    }

    private static JsonObject json(List<SiteReport> reports) {
        JsonArray list = new JsonArray();
        for (SiteReport site : reports) {
            JsonArray months = new JsonArray();
            for (MonthFigures m : site.months()) {
                months.add(new JsonObject().put("month", m.month().toString()).put("complete", m.complete())
                        .put("waterL", m.waterL()).put("energyKWh", m.energyKWh())
                        .put("specificYield", m.specificYield()).put("alertsRaised", m.alertsRaised())
                        .put("medianAckMinutes", m.medianAckMinutes()));
            }
            list.add(new JsonObject().put("site", site.site()).put("zone", site.zone().getId())
                    .put("peakPowerW", site.peakPowerW()).put("months", months));
        }
        return new JsonObject().put("sites", list);
    }
}
