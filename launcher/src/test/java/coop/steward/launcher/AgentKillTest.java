package coop.steward.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import coop.steward.collector.Collector;
import coop.steward.collector.CollectorSettings;
import coop.steward.collector.ingest.IngestSettings;
import coop.steward.protocol.ProtocolJson;
import coop.steward.protocol.Reading;
import coop.steward.protocol.ReadingsMessage;
import coop.steward.testsupport.MosquittoBroker;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;

/**
 * {@code bin/steward agent} as its own OS process, killed with SIGKILL while the collector is down, then started
 * again with the collector: every reading the killed process had put in its outbox is stored exactly once.
 *
 * <p>What the killed process took is known two ways that do not trust each other: its outbox file, read after the
 * kill (the seqs in it must run from 0 without a hole: nothing was confirmed, so nothing may be missing), and a
 * subscriber that saw what it published. A reading the agent takes reaches its outbox at the next flush; the
 * readings of the last flush interval before the kill were never written anywhere, and the test checks that
 * the loss is bounded by it.
 */
class AgentKillTest {
    private static final List<String> SENSORS = List.of("soil-a", "soil-b", "flow", "valve", "power");
    private static final long FLUSH_MS = 200;

    @TempDir
    Path tmp;
    private MosquittoBroker broker;
    private MqttClient witness;
    private final ConcurrentLinkedQueue<ReadingsMessage> published = new ConcurrentLinkedQueue<>();
    private final List<Process> agents = new ArrayList<>();
    private Vertx vertx;
    private Collector collector;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        broker = MosquittoBroker.start(tmp.resolve("mosquitto"));
        witness = new MqttClient(broker.url(), "witness", new MemoryPersistence());
        witness.connect();
        witness.subscribe("steward/v1/food-forest/bed-9/readings", 1, (topic, message) ->
                published.add(ProtocolJson.mapper().readValue(message.getPayload(), ReadingsMessage.class)));
    }

    @AfterEach
    void stop() throws Exception {
        for (Process agent : agents) {
            agent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        if (collector != null) {
            collector.stop().await(10, TimeUnit.SECONDS);
        }
        if (vertx != null) {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
        witness.disconnect();
        broker.close();
    }

    @Test
    void agentKilledWhileTheCollectorIsDown_losesNothingItFlushed_andEveryReadingIsStoredOnce() throws Exception {
        Path config = Files.writeString(tmp.resolve("bed-9.yaml"), """
                site: food-forest
                device: bed-9
                mqtt: {url: %s}
                publish: {maxBatch: 50, flushSeconds: %s, ackTimeoutSeconds: 2}
                storage: {dir: '%s'}
                sensors:
                  - {id: soil-a, kind: soil_moisture, intervalSeconds: 0.01, source: {type: simulated}}
                  - {id: soil-b, kind: soil_moisture, intervalSeconds: 0.02, source: {type: simulated}}
                  - {id: flow, kind: flow_rate, intervalSeconds: 0.01, source: {type: simulated}}
                  - {id: valve, kind: valve_state, intervalSeconds: 0.05, source: {type: simulated}}
                  - {id: power, kind: solar_power, intervalSeconds: 0.02, source: {type: simulated}}
                """.formatted(broker.url(), FLUSH_MS / 1000.0, tmp.resolve("agent")));
        Path outbox = tmp.resolve("agent").resolve("outbox.db");

        Process first = startAgent(config, "first");
        await().atMost(Duration.ofSeconds(30)).until(() -> outboxReadings(outbox) >= 3_000);
        long killedAt = System.currentTimeMillis();
        first.destroyForcibly(); // SIGKILL, while it samples, flushes and publishes
        assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();

        Outbox killed = readOutbox(outbox);
        assertThat(killed.seqs()).as("messages kept by the killed agent: nothing was confirmed, so no hole")
                .hasSizeGreaterThan(10).containsExactlyElementsOf(range(0, killed.seqs().size()));
        Set<String> wasPublished = identities(published);
        assertThat(killed.readings()).as("it published only what it had stored first").containsAll(wasPublished);
        for (String sensor : SENSORS) {
            assertThat(killed.lastTime(sensor)).as("last %s reading kept, against the kill at %d", sensor, killedAt)
                    .isGreaterThan(killedAt - FLUSH_MS - 1_000);
        }

        startAgent(config, "second");
        startCollector();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(stored()).containsAll(killed.readings()).containsAll(wasPublished));
        for (String sensor : SENSORS) {
            assertThat(times(sensor)).as("%s stored once each", sensor).doesNotHaveDuplicates();
        }
        for (ReadingsMessage message : published) {
            if (!killed.readings().containsAll(identities(List.of(message)))) {
                assertThat(message.seq()).as("a message of the second agent continues the seq")
                        .isGreaterThan(killed.seqs().get(killed.seqs().size() - 1));
            }
        }
    }

    private Process startAgent(Path config, String name) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process agent = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                Steward.class.getName(), "agent", "--config", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve(name + ".log").toFile())
                .start();
        agents.add(agent);
        return agent;
    }

    private void startCollector() throws Exception {
        vertx = Vertx.vertx();
        IngestSettings ingest = new IngestSettings(broker.url(), "kill-test-collector", null, null, 1_000, 20_000);
        collector = Collector.start(vertx, new CollectorSettings(ingest, "127.0.0.1", 0, tmp.resolve("store")))
                .await(30, TimeUnit.SECONDS);
    }

    /** What an outbox file holds, read as another process would. */
    private record Outbox(List<Long> seqs, Set<String> readings, Map<String, Long> lastTimes) {
        long lastTime(String sensor) {
            return lastTimes.getOrDefault(sensor, Long.MIN_VALUE);
        }
    }

    private static Outbox readOutbox(Path file) throws Exception {
        List<Long> seqs = new ArrayList<>();
        List<ReadingsMessage> messages = new ArrayList<>();
        try (Connection db = readOnly(file); Statement s = db.createStatement();
             ResultSet rs = s.executeQuery("SELECT seq, payload FROM message ORDER BY seq")) {
            while (rs.next()) {
                seqs.add(rs.getLong(1));
                messages.add(ProtocolJson.mapper().readValue(rs.getBytes(2), ReadingsMessage.class));
            }
        }
        Map<String, Long> lastTimes = new HashMap<>();
        for (ReadingsMessage message : messages) {
            for (Reading r : message.readings()) {
                lastTimes.merge(r.sensor(), r.t(), Math::max);
            }
        }
        return new Outbox(seqs, identities(messages), lastTimes);
    }

    private static long outboxReadings(Path file) {
        if (!Files.exists(file)) {
            return 0;
        }
        try (Connection db = readOnly(file); Statement s = db.createStatement();
             ResultSet rs = s.executeQuery("SELECT COALESCE(SUM(readings), 0) FROM message")) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (Exception e) {
            return 0; // not created yet
        }
    }

    private static Connection readOnly(Path file) throws Exception {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        return DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties());
    }

    private static Set<String> identities(Iterable<ReadingsMessage> messages) {
        Set<String> ids = new HashSet<>();
        for (ReadingsMessage message : messages) {
            message.readings().forEach(r -> ids.add(r.sensor() + "@" + r.t()));
        }
        return ids;
    }

    private static List<Long> range(long from, long count) {
        List<Long> values = new ArrayList<>();
        for (long i = from; i < from + count; i++) {
            values.add(i);
        }
        return values;
    }

    private Set<String> stored() throws Exception {
        Set<String> ids = new TreeSet<>();
        for (String sensor : SENSORS) {
            times(sensor).forEach(t -> ids.add(sensor + "@" + t));
        }
        return ids;
    }

    private List<Long> times(String sensor) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + collector.httpPort() + "/api/v1/series?site=food-forest&device=bed-9&sensor=" + sensor
                + "&from=0&limit=1000000")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return new JsonObject(response.body()).getJsonArray("t").stream().map(t -> ((Number) t).longValue())
                .toList();
    }
}
