package coop.steward.collector.http;

import coop.steward.collector.store.SeriesKey;
import coop.steward.protocol.Ids;
import io.vertx.core.MultiMap;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Query parameters the API's endpoints share, checked; each refusal is a 400 with a sentence. */
final class Params {
    private static final long DAY = Duration.ofHours(24).toMillis();

    /** {@code [from, to)} in epoch milliseconds. */
    record Range(long from, long to) {
    }

    private Params() {
    }

    /** site, device and sensor, each required; {@code usage} shows the request's shape in the refusal. */
    static SeriesKey seriesKey(MultiMap params, String usage) {
        return new SeriesKey(id(params, "site", usage), id(params, "device", usage), id(params, "sensor", usage));
    }

    static String id(MultiMap params, String name, String usage) {
        String value = params.get(name);
        if (value == null) {
            throw ApiError.badRequest(name + " is required: " + usage);
        }
        return checkedId(name, value);
    }

    /** An id that may be left out: null then. */
    static String optionalId(MultiMap params, String name) {
        String value = params.get(name);
        return value == null ? null : checkedId(name, value);
    }

    static String checkedId(String name, String value) {
        if (!Ids.isValid(value)) {
            throw ApiError.badRequest(name + " '" + value + "' is not a valid id: " + Ids.describeRule());
        }
        return value;
    }

    /** from and to as the contract defines them: to defaults to now, from to 24 hours before to. */
    static Range range(MultiMap params, long now) {
        long to = params.contains("to") ? time(params, "to") : now;
        long from = params.contains("from") ? time(params, "from") : to - DAY;
        return ordered(from, to);
    }

    /** A range of at most {@code maxDays}, so that one request cannot ask the store for decades of buckets. */
    static Range range(MultiMap params, long now, int maxDays, String what) {
        Range range = range(params, now);
        if (range.to() - range.from() > maxDays * DAY) {
            throw ApiError.badRequest("from " + Instant.ofEpochMilli(range.from()) + " to "
                    + Instant.ofEpochMilli(range.to()) + " is more than " + maxDays + " days; " + what
                    + " cover at most " + maxDays + " days in one request: ask for the rest in another");
        }
        return range;
    }

    static Range ordered(long from, long to) {
        if (from > to) {
            throw ApiError.badRequest("from (" + Instant.ofEpochMilli(from) + ") is after to ("
                    + Instant.ofEpochMilli(to) + "): swap them");
        }
        return new Range(from, to);
    }

    /** Epoch milliseconds or an ISO-8601 instant. */
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

    static int positiveInt(MultiMap params, String name, int max) {
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
