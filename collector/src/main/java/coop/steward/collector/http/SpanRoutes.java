package coop.steward.collector.http;

import coop.steward.collector.history.ValveSpans;
import coop.steward.collector.store.SeriesKey;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;

/** {@code GET /api/v1/spans}: when a valve was open, as spans to draw behind a chart. */
final class SpanRoutes {
    private static final String USAGE = "/api/v1/spans?site=...&device=...&sensor=...";

    private final ValveSpans spans;
    private final Clock clock;
    private final Blocking blocking;

    SpanRoutes(ValveSpans spans, Clock clock, Blocking blocking) {
        this.spans = spans;
        this.clock = clock;
        this.blocking = blocking;
    }

    void mount(Router router) {
        router.get("/api/v1/spans").handler(this::spans);
    }

    private void spans(RoutingContext ctx) {
        long now = clock.millis();
        SeriesKey key;
        Params.Range range;
        try {
            key = Params.seriesKey(ctx.queryParams(), USAGE);
            range = Params.range(ctx.queryParams(), now, TotalsRoutes.MAX_DAYS, "spans");
        } catch (ApiError e) {
            ctx.fail(e);
            return;
        }
        blocking.json(ctx, () -> {
            ValveSpans.Spans answer = spans.of(key, range.from(), range.to(), now);
            if (answer.kind() != null && !ValveSpans.KIND.equals(answer.kind())) {
                throw ApiError.badRequest(key.site() + "/" + key.device() + "/" + key.sensor() + " is a "
                        + answer.kind() + " sensor: spans are for valve_state sensors (0 closed, 1 open)");
            }
            JsonArray list = new JsonArray();
            for (ValveSpans.Span span : answer.spans()) {
                JsonObject json = new JsonObject().put("from", span.from()).put("to", span.to());
                if (span.approximate()) {
                    json.put("approximate", true);
                }
                list.add(json);
            }
            return new JsonObject().put("site", key.site()).put("device", key.device()).put("sensor", key.sensor())
                    .put("from", range.from()).put("to", range.to()).put("spans", list);
        });
    }
}
