package coop.steward.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import coop.steward.agent.Agent;
import coop.steward.collector.Collector;
import coop.steward.collector.CollectorSettings;
import coop.steward.collector.ingest.IngestSettings;
import coop.steward.config.DeviceConfig;
import coop.steward.config.DeviceConfigLoader;
import coop.steward.protocol.Reading;
import coop.steward.testsupport.MosquittoBroker;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole data path with real parts: an agent, a Mosquitto the test starts, the collector, its HTTP API. */
class DataPathEndToEndTest {
    @TempDir
    Path tmp;
    private MosquittoBroker broker;
    private Vertx vertx;
    private Collector collector;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        broker = MosquittoBroker.start(tmp.resolve("mosquitto"));
        vertx = Vertx.vertx();
        IngestSettings ingest = new IngestSettings(broker.url(), "e2e-collector", null, null, 1_000, 20_000);
        collector = Collector.start(vertx, new CollectorSettings(ingest, "127.0.0.1", 0, tmp.resolve("store")))
                .await(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        collector.stop().await(10, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
        broker.close();
    }

    private DeviceConfig agentConfig() {
        return DeviceConfigLoader.parse("""
                site: food-forest
                device: bed-7
                mqtt:
                  url: %s
                publish:
                  maxBatch: 25
                  flushSeconds: 0.1
                storage:
                  dir: '%s'
                simulation:
                  seed: 3
                sensors:
                  - {id: soil-a, kind: soil_moisture, intervalSeconds: 0.02, source: {type: simulated}}
                  - {id: soil-b, kind: soil_moisture, intervalSeconds: 0.03, source: {type: simulated}}
                  - {id: flow, kind: flow_rate, intervalSeconds: 0.05, source: {type: simulated}}
                  - {id: valve, kind: valve_state, intervalSeconds: 0.05, source: {type: simulated}}
                  - {id: power, kind: solar_power, intervalSeconds: 0.04, source: {type: simulated}}
                """.formatted(broker.url(), tmp.resolve("agent")), "e2e.yaml");
    }

    @Test
    void everyReadingTheAgentTakes_isStoredExactlyOnce() throws Exception {
        ConcurrentLinkedQueue<Reading> produced = new ConcurrentLinkedQueue<>();
        Agent agent = Agent.create(agentConfig(), Clock.systemUTC());
        agent.onReading(produced::add);
        agent.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> produced.size() >= 500);
        long unconfirmed = agent.stop(Duration.ofSeconds(20));

        assertThat(unconfirmed).as("readings the collector never confirmed").isZero();
        Map<String, Set<Long>> expected = new HashMap<>();
        for (Reading r : produced) {
            expected.computeIfAbsent(r.sensor(), s -> new HashSet<>()).add(r.t());
        }
        assertThat(expected).containsOnlyKeys("soil-a", "soil-b", "flow", "valve", "power");
        for (Map.Entry<String, Set<Long>> sensor : expected.entrySet()) {
            JsonObject series = series("bed-7", sensor.getKey());
            List<Long> stored = series.getJsonArray("t").stream().map(t -> ((Number) t).longValue()).toList();
            assertThat(stored).as("times stored for %s", sensor.getKey())
                    .doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(sensor.getValue());
        }
        JsonArray devices = new JsonArray(get("/api/v1/devices").body());
        assertThat(devices).singleElement().satisfies(d -> assertThat(((JsonObject) d).getString("state"))
                .as("state after the agent said goodbye").isEqualTo("offline"));
    }

    @Test
    void agentStartedBeforeItsBroker_connectsWhenTheBrokerComes() throws Exception {
        broker.stop();
        ConcurrentLinkedQueue<Reading> produced = new ConcurrentLinkedQueue<>();
        Agent agent = Agent.create(agentConfig(), Clock.systemUTC());
        agent.onReading(produced::add);
        agent.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> produced.size() >= 100);
        broker.restart();

        await().atMost(Duration.ofSeconds(40)).until(agent::isConnected);
        long unconfirmed = agent.stop(Duration.ofSeconds(30));

        assertThat(unconfirmed).isZero();
        assertThat(produced.stream().map(r -> r.sensor() + "@" + r.t())).doesNotHaveDuplicates();
        long stored = 0;
        for (String sensor : List.of("soil-a", "soil-b", "flow", "valve", "power")) {
            stored += series("bed-7", sensor).getJsonArray("t").size();
        }
        assertThat(stored).isEqualTo(produced.size());
    }

    private JsonObject series(String device, String sensor) throws Exception {
        HttpResponse<String> response = get("/api/v1/series?site=food-forest&device=" + device + "&sensor=" + sensor
                + "&from=0&limit=1000000");
        assertThat(response.statusCode()).isEqualTo(200);
        return new JsonObject(response.body());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + collector.httpPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
