package coop.steward.collector.http;

import coop.steward.collector.store.SeriesData;
import coop.steward.collector.store.SeriesQuery;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** A series' points as the API answers them: columns {@code t} and {@code value}, as charts take them. */
final class SeriesJson {
    private SeriesJson() {
    }

    /** The answer of {@code GET /api/v1/series}. */
    static JsonObject of(SeriesQuery query, SeriesData data) {
        JsonObject body = new JsonObject()
                .put("site", query.key().site()).put("device", query.key().device()).put("sensor", query.key().sensor())
                .put("kind", data.kind()).put("unit", data.unit())
                .put("from", query.from()).put("to", query.to());
        if (!query.isRaw()) {
            body.put("step", query.stepMillis()).put("agg", query.aggregation().code());
        }
        return points(body, data);
    }

    /** Adds t and value, min and max when the answer has an envelope, and truncated when it was cut. */
    static JsonObject points(JsonObject body, SeriesData data) {
        body.put("t", times(data.t())).put("value", numbers(data.value()));
        if (data.hasEnvelope()) {
            body.put("min", numbers(data.min())).put("max", numbers(data.max()));
        }
        if (data.truncated()) {
            body.put("truncated", true);
        }
        return body;
    }

    private static JsonArray times(long[] t) {
        JsonArray array = new JsonArray();
        for (long time : t) {
            array.add(time);
        }
        return array;
    }

    private static JsonArray numbers(double[] values) {
        JsonArray array = new JsonArray();
        for (double value : values) {
            array.add(value);
        }
        return array;
    }
}
