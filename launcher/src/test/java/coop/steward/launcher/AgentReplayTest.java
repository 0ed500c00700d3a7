package coop.steward.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import coop.steward.agent.Agent;
import coop.steward.collector.Collector;
import coop.steward.collector.CollectorSettings;
import coop.steward.collector.ingest.IngestSettings;
import coop.steward.config.DeviceConfigLoader;
import coop.steward.protocol.ProtocolJson;
import coop.steward.protocol.ReadingsMessage;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An agent that sampled for a while with no collector to confirm anything replays its backlog in full 500-reading
 * messages once one starts, through either broker, and every reading it took is stored.
 */
class AgentReplayTest {
    private static final List<String> SENSORS = List.of("soil-a", "soil-b", "flow", "power", "volts");

    @TempDir
    Path tmp;
    private BrokerKind.Running broker;
    private Agent agent;
    private MqttClient witness;
    private Vertx vertx;
    private Collector collector;
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() throws Exception {
        if (agent != null) {
            agent.stop(Duration.ZERO);
        }
        if (witness != null) {
            witness.disconnect();
            witness.close();
        }
        if (collector != null) {
            collector.stop().await(10, TimeUnit.SECONDS);
        }
        if (vertx != null) {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
        broker.close();
    }

    @ParameterizedTest
    @EnumSource(BrokerKind.class)
    void aBacklogOf500ReadingMessages_isReplayedInFull_whenTheCollectorComes(BrokerKind kind) throws Exception {
        broker = kind.start(tmp.resolve("broker"));
        AtomicInteger largestMessage = new AtomicInteger();
        witness = new MqttClient(broker.url(), "replay-witness", new MemoryPersistence());
        witness.connect();
        witness.subscribe("steward/v1/replay-site/bed-7/readings", 1, (topic, message) -> largestMessage.accumulateAndGet(
                ProtocolJson.mapper().readValue(message.getPayload(), ReadingsMessage.class).readings().size(),
                Math::max));
        Set<String> taken = ConcurrentHashMap.newKeySet();
        StringBuilder sensors = new StringBuilder();
        for (String sensor : SENSORS) {
            String kindOf = sensor.startsWith("soil") ? "soil_moisture" : sensor.equals("flow") ? "flow_rate"
                    : sensor.equals("power") ? "solar_power" : "solar_voltage";
            sensors.append("  - {id: ").append(sensor).append(", kind: ").append(kindOf)
                    .append(", intervalSeconds: 0.005, source: {type: simulated}}\n");
        }
        agent = Agent.create(DeviceConfigLoader.parse("""
                site: replay-site
                device: bed-7
                mqtt: {url: %s}
                publish: {maxBatch: 500, flushSeconds: 1, ackTimeoutSeconds: 3}
                storage: {dir: '%s'}
                sensors:
                %s""".formatted(broker.url(), tmp.resolve("agent"), sensors), "bed-7.yaml"), Clock.systemUTC());
        agent.onReading(r -> taken.add(r.sensor() + "@" + r.t()));
        agent.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> agent.outboxReadings() >= 5_000);

        vertx = Vertx.vertx();
        IngestSettings ingest = new IngestSettings(broker.url(), "replay-collector", null, null, 2_000, 20_000);
        collector = Collector.start(vertx, new CollectorSettings(ingest, "127.0.0.1", 0, tmp.resolve("store")))
                .await(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(60)).until(() -> agent.outboxReadings() < 1_000);

        assertThat(agent.stop(Duration.ofSeconds(30))).as("readings left unconfirmed").isZero();
        agent = null;
        assertThat(largestMessage.get()).as("replayed in full messages").isEqualTo(500);
        // A query that does not answer fails with its own error after a few tries, rather than a bare timeout.
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
                assertThat(stored()).as("readings stored, of %d taken", taken.size()).isEqualTo(taken.size()));
    }

    private long stored() throws Exception {
        long count = 0;
        for (String sensor : SENSORS) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + collector.httpPort() + "/api/v1/series?site=replay-site&device=bed-7&sensor=" + sensor
                    + "&from=0&to=" + (System.currentTimeMillis() + 60_000) + "&limit=1000000"))
                    .timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("%s: %s", sensor, response.body()).isEqualTo(200);
            count += new JsonObject(response.body()).getJsonArray("t").size();
        }
        return count;
    }
}
