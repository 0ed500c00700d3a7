package coop.steward.collector.http;

import coop.steward.collector.store.ReadingStore;
import coop.steward.collector.store.SeriesData;
import coop.steward.collector.store.SeriesKey;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;

/** {@code GET /api/v1/series/batch}: up to 20 series over one range, each bucket with its mean, min and max. */
final class SeriesBatchRoutes {
    private final ReadingStore store;
    private final Clock clock;
    private final Blocking blocking;

    SeriesBatchRoutes(ReadingStore store, Clock clock, Blocking blocking) {
        this.store = store;
        this.clock = clock;
        this.blocking = blocking;
    }

    void mount(Router router) {
        router.get("/api/v1/series/batch").handler(this::batch);
    }

    private void batch(RoutingContext ctx) {
        BatchRequest request;
        try {
            request = BatchRequest.parse(ctx.queryParams(), clock.millis());
        } catch (ApiError e) {
            ctx.fail(e);
            return;
        }
        blocking.json(ctx, () -> answer(request));
    }

    /** One after the other on one worker: a batch never holds more than one of the store's reader connections. */
    private JsonObject answer(BatchRequest request) {
        JsonArray series = new JsonArray();
        for (SeriesKey key : request.series()) {
            SeriesData data = store.query(request.query(key));
            series.add(SeriesJson.points(new JsonObject().put("site", key.site()).put("device", key.device())
                    .put("sensor", key.sensor()).put("kind", data.kind()).put("unit", data.unit()), data));
        }
        return new JsonObject().put("from", request.from()).put("to", request.to())
                .put("step", request.isRaw() ? null : request.stepMillis()).put("series", series);
    }
}
