package coop.steward.collector.store;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.influxdb.dto.QueryResult;

/**
 * The rows of one series in a query's answer, read by column name. Times are epoch milliseconds (queries ask
 * for {@code epoch=ms}); the JSON answer carries every number as a double, exact for times and counts.
 */
final class InfluxRows {
    private final String name;
    private final Map<String, String> tags;
    private final Map<String, Integer> columns = new HashMap<>();
    private final List<List<Object>> values;

    InfluxRows(QueryResult.Series series) {
        this.name = series.getName();
        this.tags = series.getTags() == null ? Map.of() : series.getTags();
        this.values = series.getValues() == null ? List.of() : series.getValues();
        List<String> names = series.getColumns();
        for (int i = 0; i < names.size(); i++) {
            columns.put(names.get(i), i);
        }
    }

    int size() {
        return values.size();
    }

    /** The series these rows belong to, for answers grouped by site, device and sensor. */
    SeriesKey key() {
        return new SeriesKey(tags.get("site"), tags.get("device"), tags.get("sensor"));
    }

    /** The series' name: a measurement, or a database in SHOW CONTINUOUS QUERIES. */
    String name() {
        return name;
    }

    String tag(String name) {
        return tags.get(name);
    }

    long time(int row) {
        return ((Number) values.get(row).get(0)).longValue();
    }

    boolean has(int row, String column) {
        return cell(row, column) != null;
    }

    double number(int row, String column) {
        return ((Number) cell(row, column)).doubleValue();
    }

    long whole(int row, String column) {
        return ((Number) cell(row, column)).longValue();
    }

    String text(int row, String column) {
        Object value = cell(row, column);
        return value == null ? null : value.toString();
    }

    private Object cell(int row, String column) {
        Integer index = columns.get(column);
        return index == null ? null : values.get(row).get(index);
    }
}
