package coop.steward.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import coop.steward.collector.CollectorSettings;
import coop.steward.collector.ingest.IngestSettings;
import coop.steward.protocol.ProtocolJson;
import coop.steward.protocol.Reading;
import coop.steward.protocol.ReadingsMessage;
import coop.steward.testsupport.MosquittoBroker;
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
import java.util.concurrent.ConcurrentHashMap;
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
 * subscriber that saw what it published. A reading the agent takes is sent at the next flush and held in memory;
 * nothing confirms it, so it reaches the outbox once the hold has passed (at the agent's next look, within a
 * second). The readings of the last flush interval, hold and second before the kill were never written anywhere,
 * and the test checks that the loss is bounded by them.
 */
class AgentKillTest {
    private static final List<String> SENSORS = List.of("soil-a", "soil-b", "flow", "valve", "power");
    private static final long FLUSH_MS = 200;
    private static final long HOLD_MS = 1_000;
    /** How often the agent looks for held messages past their hold. */
    private static final long LOOK_MS = 1_000;
    /** For the scheduling of three JVMs and Mosquitto on two shared cores. */
    private static final long SLACK_MS = 1_000;

    @TempDir
    Path tmp;
    private MosquittoBroker broker;
    private MqttClient witness;
    private final ConcurrentLinkedQueue<ReadingsMessage> published = new ConcurrentLinkedQueue<>();
    /** When the witness saw each published message, by seq. */
    private final Map<Long, Long> publishedAt = new ConcurrentHashMap<>();
    private final List<Process> agents = new ArrayList<>();
    private RunningCollector collector;

    @BeforeEach
    void start() throws Exception {
        broker = MosquittoBroker.start(tmp.resolve("mosquitto"));
        witness = new MqttClient(broker.url(), "witness", new MemoryPersistence());
        witness.connect();
        witness.subscribe("steward/v1/food-forest/bed-9/readings", 1, (topic, message) -> {
            ReadingsMessage readings = ProtocolJson.mapper().readValue(message.getPayload(), ReadingsMessage.class);
            publishedAt.putIfAbsent(readings.seq(), System.currentTimeMillis());
            published.add(readings);
        });
    }

    @AfterEach
    void stop() throws Exception {
        for (Process agent : agents) {
            agent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        if (collector != null) {
            collector.close();
        }
        witness.disconnect();
        broker.close();
    }

    @Test
    void agentKilledWhileTheCollectorIsDown_losesOnlyItsLastSeconds_andEveryReadingItWroteIsStoredOnce()
            throws Exception {
        Path config = BusyAgentConfig.write(tmp.resolve("bed-9.yaml"), broker.url(), "bed-9", FLUSH_MS, HOLD_MS,
                tmp.resolve("agent"));
        Path outbox = tmp.resolve("agent").resolve("outbox.db");

        Process first = startAgent(config, "first");
        await().atMost(Duration.ofSeconds(30)).until(() -> outboxReadings(outbox) >= 3_000);
        long killedAt = System.currentTimeMillis();
        first.destroyForcibly(); // SIGKILL, while it samples, flushes and publishes
        assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();

        Outbox killed = readOutbox(outbox);
        assertThat(killed.seqs()).as("messages kept by the killed agent: nothing was confirmed, so no hole")
                .hasSizeGreaterThan(10).containsExactlyElementsOf(range(0, killed.seqs().size()));
        long bound = FLUSH_MS + HOLD_MS + LOOK_MS;
        for (ReadingsMessage message : published) {
            if (publishedAt.get(message.seq()) < killedAt - HOLD_MS - LOOK_MS - SLACK_MS) {
                assertThat(killed.readings()).as("message %d, unconfirmed for longer than the hold", message.seq())
                        .containsAll(identities(List.of(message)));
            }
        }
        for (String sensor : SENSORS) {
            assertThat(killed.lastTime(sensor)).as("last %s reading kept, against the kill at %d", sensor, killedAt)
                    .isGreaterThan(killedAt - bound - SLACK_MS);
        }

        long lastSeqOfTheFirst = published.stream().mapToLong(ReadingsMessage::seq).max().orElse(-1);
        List<ReadingsMessage> ofTheFirst = List.copyOf(published);
        startAgent(config, "second");
        startCollector();

        // What the killed agent had only published, it held: with no collector yet to keep it for, it is gone.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(stored()).containsAll(killed.readings()));
        for (String sensor : SENSORS) {
            assertThat(times(sensor)).as("%s stored once each", sensor).doesNotHaveDuplicates();
        }
        for (ReadingsMessage message : published) {
            if (!ofTheFirst.contains(message) && !killed.readings().containsAll(identities(List.of(message)))) {
                assertThat(message.seq()).as("a message of the second agent continues the seq, above every seq the "
                        + "first gave out").isGreaterThan(lastSeqOfTheFirst);
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
        IngestSettings ingest = new IngestSettings(broker.url(), "kill-test-collector", null, null, 1_000, 20_000);
        collector = RunningCollector.start(new CollectorSettings(ingest, "127.0.0.1", 0, tmp.resolve("store")));
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
        return collector.storedTimes("food-forest", "bed-9", sensor);
    }
}
