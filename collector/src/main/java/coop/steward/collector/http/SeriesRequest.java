package coop.steward.collector.http;

import coop.steward.collector.store.Aggregation;
import coop.steward.collector.store.SeriesKey;
import coop.steward.collector.store.SeriesQuery;
import coop.steward.protocol.Ids;
import io.vertx.core.MultiMap;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The query parameters of {@code GET /api/v1/series}, checked, as the contract defines them. */
final class SeriesRequest {
    static final int DEFAULT_LIMIT = 10_000;
    static final int MAX_LIMIT = 1_000_000;
    static final int MAX_POINTS_LIMIT = 100_000;
    private static final Pattern STEP = Pattern.compile("(\\d+)(ms|s|m|h|d)?");

    private SeriesRequest() {
    }

    static SeriesQuery parse(MultiMap params, long now) {
        SeriesKey key = new SeriesKey(id(params, "site"), id(params, "device"), id(params, "sensor"));
        long to = params.contains("to") ? time(params, "to") : now;
        long from = params.contains("from") ? time(params, "from") : to - Duration.ofHours(24).toMillis();
        if (from > to) {
            throw ApiError.badRequest("from (" + Instant.ofEpochMilli(from) + ") is after to ("
                    + Instant.ofEpochMilli(to) + "): swap them");
        }
        int limit = params.contains("limit") ? positiveInt(params, "limit", MAX_LIMIT) : DEFAULT_LIMIT;
        String step = params.get("step");
        String maxPoints = params.get("maxPoints");
        String agg = params.get("agg");
        if (step != null && maxPoints != null) {
            throw ApiError.badRequest("give either step or maxPoints, not both");
        }
        if (step == null && maxPoints == null) {
            if (agg != null) {
                throw ApiError.badRequest("agg needs step or maxPoints: say how wide each bucket is");
            }
            return SeriesQuery.raw(key, from, to, limit);
        }
        Aggregation aggregation = agg == null ? Aggregation.MEAN : Aggregation.parse(agg).orElseThrow(() ->
                ApiError.badRequest("agg '" + agg + "' is not one of " + Aggregation.codes()));
        long stepMillis = step != null ? step(step)
                : SeriesQuery.stepFor(from, to, positiveInt(params, "maxPoints", MAX_POINTS_LIMIT));
        return new SeriesQuery(key, from, to, aggregation, stepMillis, limit);
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

    private static String id(MultiMap params, String name) {
        String value = params.get(name);
        if (value == null) {
            throw ApiError.badRequest(name + " is required: /api/v1/series?site=...&device=...&sensor=...");
        }
        if (!Ids.isValid(value)) {
            throw ApiError.badRequest(name + " '" + value + "' is not a valid id: " + Ids.describeRule());
        }
        return value;
    }

    static long time(MultiMap params, String name) {
        String value = params.get(name);
        if (value.matches("-?\\d{1,18}")) {
            return Long.parseLong(value);
        }
        try {
            return Instant.parse(value).toEpochMilli();
        } catch (ArithmeticException e) {
            throw ApiError.badRequest(name + " '" + value + "' is beyond the years a time in milliseconds can "
                    + "hold (about 292 million years either side of 1970)");
        } catch (DateTimeParseException e) {
            throw ApiError.badRequest(name + " '" + value + "' is neither epoch milliseconds nor an ISO-8601 "
                    + "instant such as 2026-11-25T12:00:00Z");
        }
    }

    private static int positiveInt(MultiMap params, String name, int max) {
        String value = params.get(name);
        try {
            int n = Integer.parseInt(value);
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ApiError.badRequest(name + " '" + value + "' must be a whole number from 1 to " + max);
    }
}
