package coop.steward.bench;

import coop.steward.collector.store.DeviceReadings;
import coop.steward.protocol.Reading;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * InfluxDB's own rate: one writer posting line protocol of the store's schema straight to {@code /write},
 * {@code batchSize} points a request, as InfluxDB's documentation advises, with no MQTT and no Steward code. The
 * schema is the collector's (docs/deployment.md): measurement {@code reading} in retention policy {@code raw}, tags
 * device, kind, sensor, site and unit in key order, one field {@code value}.
 */
final class InfluxBareWriter {
    private InfluxBareWriter() {
    }

    static Timed rate(String url, String database, Load load, int batchSize) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        createDatabase(http, url, database);
        List<String> bodies = new ArrayList<>();
        for (List<DeviceReadings> transaction : StoreWriter.transactions(load, batchSize)) {
            bodies.add(lines(transaction));
        }
        URI write = URI.create(url + "/write?db=" + database + "&rp=raw&precision=ms");
        Timed.Clock clock = Timed.start();
        for (String body : bodies) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(write)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 204) {
                throw new IllegalStateException("InfluxDB refused a write: " + response.statusCode() + " "
                        + response.body());
            }
        }
        return clock.stop(load.readings());
    }

    /** The database, with retention policy raw as its default, as the collector makes it. */
    static void createDatabase(HttpClient http, String url, String database) throws Exception {
        for (String statement : List.of("CREATE DATABASE \"" + database + "\"", "CREATE RETENTION POLICY \"raw\" ON \""
                + database + "\" DURATION 2160h REPLICATION 1 DEFAULT")) {
            http.send(HttpRequest.newBuilder(URI.create(url + "/query?q="
                            + URLEncoder.encode(statement, StandardCharsets.UTF_8)))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        }
    }

    /** The messages' readings as line protocol of the store's schema. */
    static String lines(List<DeviceReadings> messages) {
        StringBuilder lines = new StringBuilder();
        for (DeviceReadings message : messages) {
            for (Reading r : message.readings()) {
                lines.append("reading,device=").append(message.device()).append(",kind=").append(r.kind())
                        .append(",sensor=").append(r.sensor()).append(",site=").append(message.site())
                        .append(",unit=").append(r.unit()).append(" value=").append(r.value()).append(' ')
                        .append(r.t()).append('\n');
            }
        }
        return lines.toString();
    }

    /** How many readings the database holds in raw.reading: what reached InfluxDB, counted by InfluxDB. */
    static long count(String url, String database) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url
                + "/query?db=" + database + "&q=" + URLEncoder.encode("SELECT count(\"value\") FROM \"raw\".\"reading\"",
                StandardCharsets.UTF_8))).GET().build(), HttpResponse.BodyHandlers.ofString());
        io.vertx.core.json.JsonObject result = new io.vertx.core.json.JsonObject(response.body())
                .getJsonArray("results").getJsonObject(0);
        io.vertx.core.json.JsonArray series = result.getJsonArray("series");
        return series == null ? 0 : series.getJsonObject(0).getJsonArray("values").getJsonArray(0).getLong(1);
    }
}
