package coop.steward.collector.http;

import coop.steward.collector.store.SeriesData;
import coop.steward.collector.store.SeriesQuery;
import java.time.Instant;

/** A series as CSV with a header, for people who want their data in a spreadsheet. */
final class SeriesCsv {
    private SeriesCsv() {
    }

    /** CSV when asked for with {@code format=csv} or {@code Accept: text/csv}; JSON otherwise. */
    static boolean wanted(String format, String accept) {
        if (format != null) {
            return switch (format) {
                case "csv" -> true;
                case "json" -> false;
                default -> throw ApiError.badRequest("format '" + format + "' is not csv or json");
            };
        }
        return accept != null && accept.contains("text/csv");
    }

    static String fileName(SeriesQuery query) {
        return query.key().site() + "_" + query.key().device() + "_" + query.key().sensor() + ".csv";
    }

    /**
     * Columns: the time as an ISO-8601 instant (which spreadsheets read), the same time in epoch milliseconds,
     * the value, and the unit. Bucketed answers give each bucket's start.
     */
    static String render(SeriesQuery query, SeriesData data) {
        StringBuilder csv = new StringBuilder(64 + data.t().length * 48);
        String valueColumn = query.isRaw() ? "value" : query.aggregation().code();
        csv.append("time,t,").append(valueColumn).append(",unit\r\n");
        String unit = data.unit() == null ? "" : quote(data.unit());
        for (int i = 0; i < data.t().length; i++) {
            csv.append(Instant.ofEpochMilli(data.t()[i])).append(',').append(data.t()[i]).append(',')
                    .append(number(data.value()[i])).append(',').append(unit).append("\r\n");
        }
        return csv.toString();
    }

    static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value)
                : Double.toString(value);
    }

    private static String quote(String field) {
        if (field.contains(",") || field.contains("\"") || field.contains("\n") || field.contains("\r")) {
            return "\"" + field.replace("\"", "\"\"") + "\"";
        }
        return field;
    }
}
