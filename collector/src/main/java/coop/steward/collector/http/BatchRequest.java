package coop.steward.collector.http;

import coop.steward.collector.store.Aggregation;
import coop.steward.collector.store.SeriesKey;
import coop.steward.collector.store.SeriesQuery;
import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.List;

/**
 * The query parameters of {@code GET /api/v1/series/batch}, checked: several series over one range and one step,
 * each bucket's mean with its min and max, or raw points when neither step nor maxPoints is given.
 *
 * @param stepMillis 0 for raw points
 */
record BatchRequest(List<SeriesKey> series, long from, long to, long stepMillis, int limit) {
    static final int MAX_SERIES = 20;
    private static final String USAGE = "/api/v1/series/batch?series=site/device/sensor&series=...";

    static BatchRequest parse(MultiMap params, long now) {
        List<String> named = params.getAll("series");
        if (named.isEmpty()) {
            throw ApiError.badRequest("series is required: " + USAGE);
        }
        if (named.size() > MAX_SERIES) {
            throw ApiError.badRequest(named.size() + " series asked for; at most " + MAX_SERIES + " fit in one "
                    + "request: ask for the rest in another");
        }
        List<SeriesKey> series = new ArrayList<>();
        for (String name : named) {
            series.add(key(name));
        }
        if (params.contains("agg")) {
            throw ApiError.badRequest("agg is not taken here: each bucket's value is its mean, with its min and "
                    + "max beside it; use /api/v1/series for other aggregations");
        }
        Params.Range range = Params.range(params, now);
        return new BatchRequest(List.copyOf(series), range.from(), range.to(),
                SeriesRequest.bucketStep(params, range), SeriesRequest.limit(params));
    }

    private static SeriesKey key(String name) {
        String[] ids = name.split("/", -1);
        if (ids.length != 3) {
            throw ApiError.badRequest("series '" + name + "' is not site/device/sensor, e.g. food-forest/bed-1/soil-a");
        }
        try {
            return new SeriesKey(Params.checkedId("site", ids[0]), Params.checkedId("device", ids[1]),
                    Params.checkedId("sensor", ids[2]));
        } catch (ApiError e) {
            throw ApiError.badRequest("series '" + name + "': " + e.getMessage());
        }
    }

    boolean isRaw() {
        return stepMillis == 0;
    }

    /** One store query per series: each bucket's mean and its envelope come from the same one. */
    SeriesQuery query(SeriesKey key) {
        return isRaw() ? SeriesQuery.raw(key, from, to, limit)
                : new SeriesQuery(key, from, to, Aggregation.MEAN, stepMillis, limit).withEnvelope();
    }
}
