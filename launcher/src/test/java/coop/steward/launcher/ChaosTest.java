package coop.steward.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import coop.steward.protocol.ProtocolJson;
import coop.steward.protocol.Reading;
import coop.steward.protocol.ReadingsMessage;
import coop.steward.testsupport.FreePort;
import coop.steward.testsupport.MosquittoBroker;
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
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;

/**
 * The whole path with every part a real OS process: Mosquitto, {@code bin/steward collector} and
 * {@code bin/steward agent}. The broker restarts and dies, the collector and the agent are killed with SIGKILL;
 * afterwards every reading that was ever in the agent's durable outbox or on the wire is stored exactly once.
 *
 * <p>What was produced is watched two ways: snapshots of the agent's outbox file (every reading enters it
 * before it is sent) and a subscriber that sees what is published. Neither sees everything (a reading may be
 * confirmed between two snapshots; the subscriber is away while the broker is), but together with an empty
 * outbox at the end and no duplicates they pin the guarantee.
 */
class ChaosTest {
    private static final List<String> SENSORS = List.of("soil-a", "soil-b", "flow", "valve", "power");

    /** Kept when a test fails: the broker's, collectors' and agents' logs are in it. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path tmp;
    private final List<Process> processes = new ArrayList<>();
    private final Set<String> produced = ConcurrentHashMap.newKeySet();
    private final HttpClient http = HttpClient.newHttpClient();
    private final ScheduledExecutorService snapshots = Executors.newSingleThreadScheduledExecutor();
    private MosquittoBroker broker;
    private MqttClient witness;
    private int httpPort;

    @AfterEach
    void stopEverything() throws Exception {
        snapshots.shutdownNow();
        for (Process p : processes) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        if (witness != null && witness.isConnected()) {
            witness.disconnectForcibly(1_000);
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void restartsKillsAndAnOutage_loseNoReadingAndStoreEachOnce() throws Exception {
        broker = MosquittoBroker.start(tmp.resolve("mosquitto"));
        Path config = agentConfig();
        Path outbox = tmp.resolve("agent").resolve("outbox.db");
        startWitness();
        watchOutbox(outbox);
        Process collector = startCollector("collector-1");
        Process agent = startAgent(config, "agent-1");
        awaitStored(500);

        broker.restart(); // a clean broker restart: it saves its sessions
        awaitMoreStored(700);

        collector.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // the collector dies mid-stream
        waitWhileTheAgentSamples(Duration.ofSeconds(2));
        collector = startCollector("collector-2");
        awaitMoreStored(1_500); // past what the agent kept meanwhile (about 700): the stream goes on

        broker.kill(); // the broker is gone for a while, and what it had queued with it
        waitWhileTheAgentSamples(Duration.ofSeconds(3));
        broker.restart();
        awaitMoreStored(2_000); // past what the agent kept meanwhile (about 1,000)

        agent.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // the Pi loses power
        agent = startAgent(config, "agent-2");
        awaitMoreStored(1_500); // past its predecessor's outbox, which it sends first

        stopAgentAndCheck(agent, outbox);
    }

    @Test
    void brokerDroppingWhatItQueuedForADownCollector_losesNoReading() throws Exception {
        // A broker that keeps only 100 messages for an absent subscriber, as a badly configured one would.
        broker = MosquittoBroker.start(tmp.resolve("mosquitto"), "max_queued_messages 100");
        Path config = agentConfig();
        Path outbox = tmp.resolve("agent").resolve("outbox.db");
        startWitness();
        watchOutbox(outbox);
        Process collector = startCollector("collector-1");
        Process agent = startAgent(config, "agent-1");
        awaitStored(500);

        collector.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        long published = witnessed();
        await().atMost(Duration.ofSeconds(30)).until(() -> witnessed() > published + 150); // > 100 messages
        startCollector("collector-2");

        awaitStored(produced.size());
        stopAgentAndCheck(agent, outbox);
    }

    private Path agentConfig() throws Exception {
        return Files.writeString(tmp.resolve("bed-c.yaml"), """
                site: food-forest
                device: bed-c
                mqtt: {url: %s, keepAliveSeconds: 5}
                publish: {maxBatch: 10, flushSeconds: 0.1, ackTimeoutSeconds: 2}
                storage: {dir: '%s'}
                sensors:
                  - {id: soil-a, kind: soil_moisture, intervalSeconds: 0.01, source: {type: simulated}}
                  - {id: soil-b, kind: soil_moisture, intervalSeconds: 0.02, source: {type: simulated}}
                  - {id: flow, kind: flow_rate, intervalSeconds: 0.01, source: {type: simulated}}
                  - {id: valve, kind: valve_state, intervalSeconds: 0.025, source: {type: simulated}}
                  - {id: power, kind: solar_power, intervalSeconds: 0.02, source: {type: simulated}}
                """.formatted(broker.url(), tmp.resolve("agent")));
    }

    /** Stops the agent cleanly (it waits for the collector's last acks), then compares what was stored. */
    private void stopAgentAndCheck(Process agent, Path outbox) throws Exception {
        agent.destroy(); // SIGTERM: the agent's own clean stop
        assertThat(agent.waitFor(30, TimeUnit.SECONDS)).isTrue();
        snapshots.shutdownNow();
        snapshots.awaitTermination(5, TimeUnit.SECONDS);
        readOutbox(outbox).forEach(produced::add);

        assertThat(readOutbox(outbox)).as("readings the collector never confirmed").isEmpty();
        List<String> stored = new ArrayList<>();
        for (String sensor : SENSORS) {
            times(sensor).forEach(t -> stored.add(sensor + "@" + t));
        }
        assertThat(stored).as("each reading stored once").doesNotHaveDuplicates();
        assertThat(stored).as("every reading produced is stored").containsAll(produced);
        assertThat(produced).as("readings watched").hasSizeGreaterThan(1_000);
    }

    private void startWitness() throws Exception {
        witness = new MqttClient(broker.url(), "chaos-witness", new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setAutomaticReconnect(true);
        options.setMaxReconnectDelay(500);
        options.setMaxInflight(1_000);
        witness.setCallback(new MqttCallbackExtended() {
            @Override
            public void connectComplete(boolean reconnect, String serverUri) {
                try {
                    witness.subscribe("steward/v1/food-forest/bed-c/readings", 1);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) throws Exception {
                ReadingsMessage readings = ProtocolJson.mapper().readValue(message.getPayload(), ReadingsMessage.class);
                readings.readings().forEach(r -> produced.add(r.sensor() + "@" + r.t()));
                witnessedMessages.incrementAndGet();
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        witness.connect(options);
    }

    private final java.util.concurrent.atomic.AtomicLong witnessedMessages = new java.util.concurrent.atomic.AtomicLong();

    private long witnessed() {
        return witnessedMessages.get();
    }

    private void watchOutbox(Path outbox) {
        snapshots.scheduleWithFixedDelay(() -> {
            try {
                readOutbox(outbox).forEach(produced::add);
            } catch (Exception e) {
                // not created yet, or busy: the next snapshot sees it
            }
        }, 0, 50, TimeUnit.MILLISECONDS);
    }

    private static List<String> readOutbox(Path file) throws Exception {
        List<String> readings = new ArrayList<>();
        if (!Files.exists(file)) {
            return readings;
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties());
             Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT payload FROM message")) {
            while (rs.next()) {
                for (Reading r : ProtocolJson.mapper().readValue(rs.getBytes(1), ReadingsMessage.class).readings()) {
                    readings.add(r.sensor() + "@" + r.t());
                }
            }
        }
        return readings;
    }

    private void waitWhileTheAgentSamples(Duration duration) throws InterruptedException {
        Thread.sleep(duration.toMillis());
    }

    private void awaitStored(long readings) {
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> storedCount() >= readings);
    }

    /** Waits for this many more readings than are stored now: the stream has gone on past what just happened. */
    private void awaitMoreStored(long readings) {
        long now = await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(this::storedCount, n -> n >= 0);
        awaitStored(now + readings);
    }

    private long storedCount() throws Exception {
        long count = 0;
        for (String sensor : SENSORS) {
            count += times(sensor).size();
        }
        return count;
    }

    private List<Long> times(String sensor) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
                + "/api/v1/series?site=food-forest&device=bed-c&sensor=" + sensor + "&from=0&limit=1000000"))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("series answered " + response.statusCode());
        }
        return new JsonObject(response.body()).getJsonArray("t").stream().map(t -> ((Number) t).longValue()).toList();
    }

    private Process startCollector(String name) throws Exception {
        if (httpPort == 0) {
            httpPort = FreePort.find();
        }
        Process collector = start(name, "collector", "--mqtt", broker.url(), "--http", Integer.toString(httpPort),
                "--data", tmp.resolve("collector").toString(), "--open");
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + httpPort + "/health")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        return collector;
    }

    private Process startAgent(Path config, String name) throws Exception {
        return start(name, "agent", "--config", config.toString());
    }

    private Process start(String name, String... args) throws Exception {
        Process process = StewardProcess.start(tmp, name, args);
        processes.add(process);
        return process;
    }
}
