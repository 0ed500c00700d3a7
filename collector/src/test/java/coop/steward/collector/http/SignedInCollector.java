package coop.steward.collector.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import coop.steward.collector.Collector;
import coop.steward.collector.CollectorSettings;
import coop.steward.collector.ingest.IngestSettings;
import coop.steward.testsupport.MosquittoBroker;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A collector that asks for accounts, with a real Mosquitto, for tests of what people may do: sign in as someone
 * and send requests as the dashboard does (with its own Origin), and publish readings as a device would.
 */
final class SignedInCollector implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(20);

    private final MosquittoBroker broker;
    private final Vertx vertx;
    private final Collector collector;
    private final HttpClient http = HttpClient.newHttpClient();

    private SignedInCollector(MosquittoBroker broker, Vertx vertx, Collector collector) {
        this.broker = broker;
        this.vertx = vertx;
        this.collector = collector;
    }

    /** People must be in {@code data}'s people store already. */
    static SignedInCollector start(Path tmp, Path data, UnaryOperator<CollectorSettings> settings) throws Exception {
        MosquittoBroker broker = MosquittoBroker.start(tmp.resolve("mosquitto"));
        Vertx vertx = Vertx.vertx();
        IngestSettings ingest = new IngestSettings(broker.url(), "collector-under-test", null, null, 1_000, 20_000);
        Collector collector = Collector.start(vertx, settings.apply(new CollectorSettings(ingest, "127.0.0.1", 0,
                data).withAccounts(true))).await(30, TimeUnit.SECONDS);
        SignedInCollector running = new SignedInCollector(broker, vertx, collector);
        // Subscribed: a reading published from here on reaches it.
        await().atMost(WAIT).until(() -> running.send(HttpRequest.newBuilder(running.uri("/health"))).statusCode()
                == 200);
        return running;
    }

    /** The session cookie of a fresh sign-in. */
    String signIn(String name, String password) throws Exception {
        HttpResponse<String> response = send(fromTheDashboard(HttpRequest.newBuilder(uri("/api/v1/session")))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        new JsonObject().put("name", name).put("password", password).encode())));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String setCookie = response.headers().firstValue("Set-Cookie").orElseThrow();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    HttpResponse<String> get(String path, String cookie) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).header("Cookie", cookie).GET());
    }

    HttpResponse<String> post(String path, String cookie, String json) throws Exception {
        return send(fromTheDashboard(HttpRequest.newBuilder(uri(path))).header("Cookie", cookie)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** One soil moisture reading of {@code site/device/soil-a}, at {@code t}, published at QoS 1. */
    void publishSoilMoisture(String site, String device, long seq, long t, double value) throws Exception {
        Process pub = new ProcessBuilder("mosquitto_pub", "-h", "127.0.0.1", "-p", Integer.toString(broker.port()),
                "-q", "1", "-t", "steward/v1/" + site + "/" + device + "/readings", "-m", "{\"v\": 1, \"device\": \""
                + device + "\", \"seq\": " + seq + ", \"readings\": [{\"sensor\": \"soil-a\", \"kind\": "
                + "\"soil_moisture\", \"t\": " + t + ", \"value\": " + value + "}]}").redirectErrorStream(true).start();
        assertThat(pub.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(pub.exitValue()).as(new String(pub.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isZero();
    }

    private HttpRequest.Builder fromTheDashboard(HttpRequest.Builder request) {
        return request.header("Origin", "http://127.0.0.1:" + collector.httpPort());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + collector.httpPort() + path);
    }

    @Override
    public void close() throws Exception {
        collector.stop().await(10, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
        broker.close();
    }
}
