package coop.steward.collector.http;

import static org.assertj.core.api.Assertions.assertThat;

import coop.steward.collector.Collector;
import coop.steward.collector.CollectorSettings;
import coop.steward.collector.config.CollectorConfig;
import coop.steward.collector.ingest.IngestSettings;
import coop.steward.collector.store.DeviceReadings;
import coop.steward.collector.store.EmbeddedStore;
import coop.steward.protocol.Reading;
import coop.steward.testsupport.FreePort;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The collector as the dashboard reaches it: the production app with its HTTP API on a free port, readings in an
 * embedded store in a test folder, no broker (the API answers all the same), and a clock of the test's.
 */
final class ApiServer implements AutoCloseable {
    private final Vertx vertx;
    private final Collector collector;
    private final HttpClient http = HttpClient.newHttpClient();

    private ApiServer(Vertx vertx, Collector collector) {
        this.vertx = vertx;
        this.collector = collector;
    }

    /** Readings stored before the collector starts, as if they had arrived earlier. */
    static void store(Path dataDir, String site, String device, List<Reading> readings) {
        try (EmbeddedStore store = EmbeddedStore.open(dataDir)) {
            for (int from = 0; from < readings.size(); from += 10_000) {
                store.write(List.of(new DeviceReadings(site, device,
                        readings.subList(from, Math.min(readings.size(), from + 10_000)), 0)), List.of());
            }
        }
    }

    static ApiServer start(Path dataDir, String configYaml, Clock clock) throws Exception {
        return start(dataDir, configYaml, clock, false);
    }

    /** @param accounts whether the API asks for a sign-in with an account of {@code dataDir}'s people store */
    static ApiServer start(Path dataDir, String configYaml, Clock clock, boolean accounts) throws Exception {
        // A blocking call on an event loop shows up as a warning in the build.
        Vertx vertx = Vertx.vertx(new VertxOptions().setMaxEventLoopExecuteTime(200)
                .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS));
        IngestSettings ingest = new IngestSettings("tcp://127.0.0.1:" + FreePort.find(), "api-test", null, null,
                100, 1_000);
        CollectorSettings settings = new CollectorSettings(ingest, "127.0.0.1", 0, dataDir)
                .with(CollectorConfig.parse(configYaml, "collector.yaml")).withAccounts(accounts);
        return new ApiServer(vertx, Collector.start(vertx, settings, clock).await(30, TimeUnit.SECONDS));
    }

    HttpResponse<String> get(String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(pathAndQuery)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String pathAndQuery, String accept) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(pathAndQuery)).header("Accept", accept).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Origin", origin())
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The JSON object a 200 answer carries. */
    JsonObject object(String pathAndQuery) throws Exception {
        HttpResponse<String> response = get(pathAndQuery);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return new JsonObject(response.body());
    }

    JsonArray array(String pathAndQuery) throws Exception {
        HttpResponse<String> response = get(pathAndQuery);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return new JsonArray(response.body());
    }

    /** The sentence of a refusal, after checking its status. */
    String refusal(String pathAndQuery, int status) throws Exception {
        HttpResponse<String> response = get(pathAndQuery);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return new JsonObject(response.body()).getString("error");
    }

    HttpResponse<String> post(String path, String body, String contentType) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", contentType)
                .header("Origin", origin()).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    int port() {
        return collector.httpPort();
    }

    /** The dashboard's own origin, as a browser sends it with a change: the collector takes changes from no other. */
    String origin() {
        return "http://127.0.0.1:" + collector.httpPort();
    }

    private URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + collector.httpPort() + pathAndQuery);
    }

    @Override
    public void close() throws Exception {
        collector.stop().await(10, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
    }
}
