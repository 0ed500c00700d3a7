package coop.steward.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import coop.steward.collector.Collector;
import coop.steward.collector.CollectorSettings;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A collector a test started on its own Vert.x, and what tests ask of its HTTP API. */
final class RunningCollector implements AutoCloseable {
    private final Vertx vertx;
    private final Collector collector;
    private final HttpClient http = HttpClient.newHttpClient();

    private RunningCollector(Vertx vertx, Collector collector) {
        this.vertx = vertx;
        this.collector = collector;
    }

    static RunningCollector start(CollectorSettings settings) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            return new RunningCollector(vertx, Collector.start(vertx, settings).await(30, TimeUnit.SECONDS));
        } catch (Exception e) {
            vertx.close().await(10, TimeUnit.SECONDS);
            throw e;
        }
    }

    int httpPort() {
        return collector.httpPort();
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + collector.httpPort() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** As a person's API token: for a collector that asks for accounts. */
    HttpResponse<String> get(String path, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + collector.httpPort() + path))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A counter or gauge from /metrics; the test fails when it is missing. */
    long metric(String name) throws Exception {
        Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*})? ([0-9.E+]+)$").matcher(get("/metrics").body());
        assertThat(m.find()).as(name + " in /metrics").isTrue();
        return (long) Double.parseDouble(m.group(2));
    }

    /** How many readings of a series the API serves, from the epoch to a day ahead. */
    long storedCount(String site, String device, String sensor) throws Exception {
        return storedTimes(site, device, sensor).size();
    }

    /** The times of a series' readings the API serves, from the epoch to a day ahead; empty when it answers no. */
    List<Long> storedTimes(String site, String device, String sensor) throws Exception {
        HttpResponse<String> response = get("/api/v1/series?site=" + site + "&device=" + device + "&sensor="
                + sensor + "&from=0&to=" + (System.currentTimeMillis() + 86_400_000L) + "&limit=1000000");
        if (response.statusCode() != 200) {
            return List.of();
        }
        return new JsonObject(response.body()).getJsonArray("t").stream().map(t -> ((Number) t).longValue())
                .toList();
    }

    List<JsonObject> rejected() throws Exception {
        List<JsonObject> list = new ArrayList<>();
        new JsonArray(get("/api/v1/rejected").body()).forEach(r -> list.add((JsonObject) r));
        return list;
    }

    @Override
    public void close() throws Exception {
        try {
            collector.stop().await(10, TimeUnit.SECONDS);
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }
}
