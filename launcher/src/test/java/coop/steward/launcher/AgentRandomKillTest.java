package coop.steward.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import coop.steward.collector.CollectorSettings;
import coop.steward.collector.ingest.IngestSettings;
import coop.steward.protocol.ProtocolJson;
import coop.steward.protocol.ReadingsMessage;
import coop.steward.protocol.SeqRange;
import coop.steward.testsupport.MosquittoBroker;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's power-cut bound, docs/reliability.md: an agent process killed with SIGKILL at random moments loses
 * nothing the collector confirmed, and of what it had not confirmed, only readings taken in the last
 * {@code flushSeconds + holdSeconds + 1} seconds before the kill. The agent holds what it sends in memory and writes
 * to its outbox only what is still unconfirmed after the hold, so this is what the SD card is spared for.
 *
 * <p>What each agent took is known exactly: it prints every reading the moment it takes it ({@link TakingAgent}).
 * Its first life has no collector, so the broker keeps nothing for it and what the agent only held dies with it; the
 * next two are killed while a collector confirms promptly; the last stops cleanly. Everything stored is read back
 * from the collector's API, and what the collector confirmed is seen on {@code readings/ack}.
 */
class AgentRandomKillTest {
    private static final List<String> SENSORS = List.of("soil-a", "soil-b", "flow", "valve", "power");
    private static final long FLUSH_MS = 200;
    private static final long HOLD_MS = 1_000;
    /** How often the agent looks for held messages past their hold. */
    private static final long LOOK_MS = 1_000;
    /** The bound docs/reliability.md states. */
    private static final long BOUND_MS = FLUSH_MS + HOLD_MS + LOOK_MS;
    /** For the scheduling of two JVMs and Mosquitto on two shared cores. */
    private static final long SLACK_MS = 1_000;
    private static final Pattern READING = Pattern.compile("[a-z0-9-]+@[0-9]+");

    /** Kept when the test fails: the agents' logs are in it. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path tmp;
    private MosquittoBroker broker;
    private MqttClient witness;
    private RunningCollector collector;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final Map<Long, Set<String>> sentBySeq = new ConcurrentHashMap<>();
    private final Set<Long> confirmedSeqs = ConcurrentHashMap.newKeySet();

    /** One run of the agent process: what it took, and when it was killed (0 when it stopped cleanly). */
    private record Life(int number, Set<String> taken, long killedAt) {
    }

    /** Closed last first, whatever the test got to. */
    @AfterEach
    void stop() throws Exception {
        while (!started.isEmpty()) {
            started.pop().close();
        }
    }

    @Test
    void agentKilledAtRandomMoments_losesNothingConfirmed_andOfTheRestOnlyItsLastSeconds() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        broker = MosquittoBroker.start(tmp.resolve("mosquitto"));
        started.push(broker);
        watchTheWire();
        Path config = agentConfig();

        List<Life> lives = new ArrayList<>();
        lives.add(liveAndDie(1, config, random));
        collector = RunningCollector.start(new CollectorSettings(new IngestSettings(broker.url(), "random-kill",
                null, null, 1_000, 20_000), "127.0.0.1", 0, tmp.resolve("store")));
        started.push(collector);
        lives.add(liveAndDie(2, config, random));
        lives.add(liveAndDie(3, config, random));
        Life last = liveAndStop(4, config);

        Set<String> stored = new HashSet<>();
        for (String sensor : SENSORS) {
            List<Long> times = collector.storedTimes("food-forest", "bed-r", sensor);
            assertThat(times).as("%s stored once each (seed %d)", sensor, seed).doesNotHaveDuplicates();
            times.forEach(t -> stored.add(sensor + "@" + t));
        }
        Set<String> confirmed = new HashSet<>();
        confirmedSeqs.forEach(seq -> confirmed.addAll(sentBySeq.getOrDefault(seq, Set.of())));
        assertThat(confirmed).as("readings the collector confirmed (seed %d)", seed).isNotEmpty();
        assertThat(stored).as("nothing confirmed is lost (seed %d)", seed).containsAll(confirmed);
        assertThat(stored).as("the last agent stopped cleanly: all it took is stored (seed %d)", seed)
                .containsAll(last.taken());

        StringBuilder counts = new StringBuilder();
        for (Life life : lives) {
            List<Long> lostTimes = new ArrayList<>();
            for (String reading : life.taken()) {
                if (!stored.contains(reading)) {
                    lostTimes.add(Long.parseLong(reading.substring(reading.indexOf('@') + 1)));
                }
            }
            assertThat(life.taken()).as("life %d took readings", life.number()).hasSizeGreaterThan(100);
            assertThat(lostTimes).as("life %d: readings lost were all taken within %d ms of the kill (seed %d)",
                    life.number(), BOUND_MS, seed).allMatch(t -> t > life.killedAt() - BOUND_MS - SLACK_MS);
            long lastTaken = life.taken().stream().mapToLong(r -> Long.parseLong(r.substring(r.indexOf('@') + 1)))
                    .max().orElse(0);
            counts.append(String.format("life %d: took %d (the last %d ms before the kill), lost %d (the oldest %d "
                            + "ms before the kill); ", life.number(), life.taken().size(), life.killedAt() - lastTaken,
                    lostTimes.size(), lostTimes.isEmpty() ? 0 : life.killedAt() - lostTimes.stream().min(Long::compare)
                            .get()));
        }
        System.out.println("AgentRandomKillTest, seed " + seed + ": confirmed " + confirmed.size() + "; " + counts);
    }

    /** Runs the agent until a random moment 0.3 to 3 s after its first reading, then kills it with SIGKILL. */
    private Life liveAndDie(int number, Path config, Random random) throws Exception {
        Set<String> taken = ConcurrentHashMap.newKeySet();
        Process agent = startAgent(config, number, taken);
        await().atMost(Duration.ofSeconds(30)).until(() -> !taken.isEmpty());
        Thread.sleep(300 + random.nextInt(2_700));
        long killedAt = System.currentTimeMillis();
        agent.destroyForcibly(); // SIGKILL: the power goes
        assertThat(agent.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return new Life(number, Set.copyOf(awaitOutput(taken, agent)), killedAt);
    }

    /** Runs the agent for two seconds, then stops it with SIGTERM, as systemd does. */
    private Life liveAndStop(int number, Path config) throws Exception {
        Set<String> taken = ConcurrentHashMap.newKeySet();
        Process agent = startAgent(config, number, taken);
        await().atMost(Duration.ofSeconds(30)).until(() -> !taken.isEmpty());
        Thread.sleep(2_000);
        agent.destroy();
        assertThat(agent.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Life(number, Set.copyOf(awaitOutput(taken, agent)), 0);
    }

    private final Map<Process, Thread> readers = new ConcurrentHashMap<>();

    private Process startAgent(Path config, int number, Set<String> taken) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process agent = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                TakingAgent.class.getName(), config.toString())
                .redirectError(tmp.resolve("agent-" + number + ".log").toFile())
                .start();
        started.push(() -> agent.destroyForcibly().waitFor(10, TimeUnit.SECONDS));
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(agent.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (READING.matcher(line).matches()) { // the agent logs to the same output
                        taken.add(line);
                    }
                }
            } catch (Exception e) {
                // the process is gone; what it printed before is read
            }
        });
        reader.start();
        readers.put(agent, reader);
        return agent;
    }

    /** What the process printed, once its output is read to the end. */
    private Set<String> awaitOutput(Set<String> taken, Process agent) throws InterruptedException {
        readers.get(agent).join(10_000);
        return taken;
    }

    private void watchTheWire() throws Exception {
        witness = new MqttClient(broker.url(), "random-kill-witness", new MemoryPersistence());
        witness.connect();
        started.push(witness::disconnect);
        witness.subscribe("steward/v1/food-forest/bed-r/readings", 1, (topic, message) -> {
            ReadingsMessage readings = ProtocolJson.mapper().readValue(message.getPayload(), ReadingsMessage.class);
            Set<String> ids = new HashSet<>();
            readings.readings().forEach(r -> ids.add(r.sensor() + "@" + r.t()));
            sentBySeq.put(readings.seq(), ids);
        });
        witness.subscribe("steward/v1/food-forest/bed-r/readings/ack", 1, (topic, message) -> {
            for (SeqRange range : ProtocolJson.decodeAck(message.getPayload())) {
                for (long seq = range.from(); seq <= range.to(); seq++) {
                    confirmedSeqs.add(seq);
                }
            }
        });
    }

    private Path agentConfig() throws Exception {
        return BusyAgentConfig.write(tmp.resolve("bed-r.yaml"), broker.url(), "bed-r", FLUSH_MS, HOLD_MS,
                tmp.resolve("agent"));
    }
}
