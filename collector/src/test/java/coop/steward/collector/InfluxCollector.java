package coop.steward.collector;

import static org.awaitility.Awaitility.await;

import coop.steward.collector.ingest.IngestSettings;
import coop.steward.collector.store.InfluxSettings;
import coop.steward.testsupport.InfluxServer;
import coop.steward.testsupport.MosquittoBroker;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The collector as deployed at scale, for tests: Mosquitto and InfluxDB (database {@code steward}) as real servers
 * in a test's folder, and the collector between them, subscribed once {@code /health} answers 200.
 */
final class InfluxCollector implements AutoCloseable {
    final MosquittoBroker broker;
    final InfluxServer influx;
    private final Vertx vertx;
    private final Collector collector;
    private final HttpClient http = HttpClient.newHttpClient();

    private InfluxCollector(MosquittoBroker broker, InfluxServer influx, Vertx vertx, Collector collector) {
        this.broker = broker;
        this.influx = influx;
        this.vertx = vertx;
        this.collector = collector;
    }

    static InfluxCollector start(Path dir, String clientId, String... brokerSettings) throws Exception {
        MosquittoBroker broker = MosquittoBroker.start(dir.resolve("mosquitto"), brokerSettings);
        InfluxServer influx = InfluxServer.start(dir.resolve("influxdb"));
        Vertx vertx = Vertx.vertx();
        IngestSettings ingest = new IngestSettings(broker.url(), clientId, null, null, 100, 20_000);
        CollectorSettings settings = new CollectorSettings(ingest, "127.0.0.1", 0, dir.resolve("data"))
                .withInflux(InfluxSettings.parse(influx.url() + "/steward", null, null));
        InfluxCollector started = new InfluxCollector(broker, influx, vertx,
                Collector.start(vertx, settings).await(60, TimeUnit.SECONDS));
        // Subscribed: a plain publisher, unlike an agent, never resends what arrives before the subscription.
        await().atMost(Duration.ofSeconds(30)).until(() -> started.get("/health").statusCode() == 200);
        return started;
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + collector.httpPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws Exception {
        collector.stop().await(20, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
        influx.close();
        broker.close();
    }
}
