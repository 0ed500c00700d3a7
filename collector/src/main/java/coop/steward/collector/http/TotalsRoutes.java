package coop.steward.collector.http;

import coop.steward.collector.history.CalendarPeriod;
import coop.steward.collector.history.CounterTotals;
import coop.steward.collector.site.Sites;
import coop.steward.collector.store.SeriesKey;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.ZoneId;

/** {@code GET /api/v1/totals}: how much a water or energy meter went up in each day, week, month or year. */
final class TotalsRoutes {
    static final int MAX_DAYS = 3660;
    private static final String USAGE = "/api/v1/totals?site=...&device=...&sensor=...&period=day";

    private final CounterTotals totals;
    private final Sites sites;
    private final Clock clock;
    private final Blocking blocking;

    TotalsRoutes(CounterTotals totals, Sites sites, Clock clock, Blocking blocking) {
        this.totals = totals;
        this.sites = sites;
        this.clock = clock;
        this.blocking = blocking;
    }

    void mount(Router router) {
        router.get("/api/v1/totals").handler(this::totals);
    }

    private void totals(RoutingContext ctx) {
        MultiMap params = ctx.queryParams();
        long now = clock.millis();
        SeriesKey key;
        Params.Range range;
        CalendarPeriod period;
        try {
            key = Params.seriesKey(params, USAGE);
            range = Params.range(params, now, MAX_DAYS, "totals");
            period = period(params.get("period"));
        } catch (ApiError e) {
            ctx.fail(e);
            return;
        }
        ZoneId zone = sites.zone(key.site());
        blocking.json(ctx, () -> {
            CounterTotals.Totals answer = totals.of(key, range.from(), range.to(), period, zone, now);
            if (!answer.isCounter()) {
                throw ApiError.badRequest(key.site() + "/" + key.device() + "/" + key.sensor() + " is a "
                        + answer.kind() + " sensor, not a meter: totals are for the counter kinds water_total (L) "
                        + "and energy_total (Wh)");
            }
            JsonArray periods = new JsonArray();
            for (CounterTotals.Total total : answer.periods()) {
                periods.add(new JsonObject().put("start", total.period().start()).put("end", total.period().end())
                        .put("label", total.period().label()).put("total", total.total())
                        .put("complete", total.complete()));
            }
            return new JsonObject().put("site", key.site()).put("device", key.device()).put("sensor", key.sensor())
                    .put("kind", answer.kind()).put("unit", answer.unit()).put("zone", zone.getId())
                    .put("period", period.code()).put("from", range.from()).put("to", range.to())
                    .put("periods", periods);
        });
    }

    private static CalendarPeriod period(String code) {
        if (code == null) {
            return CalendarPeriod.DAY;
        }
        return CalendarPeriod.parse(code).orElseThrow(() -> ApiError.badRequest("period '" + code + "' is not one of "
                + CalendarPeriod.codes()));
    }
}
