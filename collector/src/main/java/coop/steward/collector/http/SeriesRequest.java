package coop.steward.collector.http;

import coop.steward.collector.store.Aggregation;
import coop.steward.collector.store.SeriesKey;
import coop.steward.collector.store.SeriesQuery;
import io.vertx.core.MultiMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The query parameters of {@code GET /api/v1/series}, checked, as the contract defines them. */
final class SeriesRequest {
    static final int DEFAULT_LIMIT = 10_000;
    static final int MAX_LIMIT = 1_000_000;
    static final int MAX_POINTS_LIMIT = 100_000;
    private static final String USAGE = "/api/v1/series?site=...&device=...&sensor=...";
    private static final Pattern STEP = Pattern.compile("(\\d+)(ms|s|m|h|d)?");

    private SeriesRequest() {
    }

    static SeriesQuery parse(MultiMap params, long now) {
        SeriesKey key = Params.seriesKey(params, USAGE);
        Params.Range range = Params.range(params, now);
        int limit = limit(params);
        long step = bucketStep(params, range);
        String agg = params.get("agg");
        if (step == 0) {
            if (agg != null) {
                throw ApiError.badRequest("agg needs step or maxPoints: say how wide each bucket is");
            }
            return SeriesQuery.raw(key, range.from(), range.to(), limit);
        }
        Aggregation aggregation = agg == null ? Aggregation.MEAN : Aggregation.parse(agg).orElseThrow(() ->
                ApiError.badRequest("agg '" + agg + "' is not one of " + Aggregation.codes()));
        return new SeriesQuery(key, range.from(), range.to(), aggregation, step, limit);
    }

    static int limit(MultiMap params) {
        return params.contains("limit") ? Params.positiveInt(params, "limit", MAX_LIMIT) : DEFAULT_LIMIT;
    }

    /** The bucket width that step or maxPoints asks for (maxPoints picks from {@link SeriesQuery#STEPS}); 0 for raw. */
    static long bucketStep(MultiMap params, Params.Range range) {
        String step = params.get("step");
        String maxPoints = params.get("maxPoints");
        if (step != null && maxPoints != null) {
            throw ApiError.badRequest("give either step or maxPoints, not both");
        }
        if (step != null) {
            return step(step);
        }
        return maxPoints == null ? 0 : SeriesQuery.stepFor(range.from(), range.to(),
                Params.positiveInt(params, "maxPoints", MAX_POINTS_LIMIT));
    }

    static long step(String text) {
        Matcher m = STEP.matcher(text);
        if (!m.matches()) {
            throw ApiError.badRequest("step '" + text + "' is not a duration: use e.g. 60s, 5m, 1h, 1d or milliseconds");
        }
        long amount;
        try {
            amount = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("step '" + text + "' is too large");
        }
        String unit = m.group(2) == null ? "ms" : m.group(2);
        long factor = switch (unit) {
            case "s" -> 1_000L;
            case "m" -> 60_000L;
            case "h" -> 3_600_000L;
            case "d" -> 86_400_000L;
            default -> 1L;
        };
        if (amount <= 0 || amount > 3650L * 86_400_000L / factor) {
            throw ApiError.badRequest("step '" + text + "' must be more than 0 and at most 3650 days");
        }
        return amount * factor;
    }
}
