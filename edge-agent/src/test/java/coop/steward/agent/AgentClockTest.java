package coop.steward.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import coop.steward.agent.clock.ClockSync;
import coop.steward.agent.clock.MonotonicClock;
import coop.steward.agent.clock.Timekeeping;
import coop.steward.agent.outbox.Outbox;
import coop.steward.config.DeviceConfig;
import coop.steward.config.DeviceConfigLoader;
import coop.steward.protocol.ProtocolJson;
import coop.steward.protocol.Reading;
import coop.steward.protocol.ReadingsMessage;
import coop.steward.testsupport.MosquittoBroker;
import coop.steward.testsupport.MovableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Pi that boots with a stale clock: readings taken before NTP sets it must never be sent with the stale time.
 * The wall clock here runs at the real pace from a stale start and jumps when "NTP" sets it.
 */
class AgentClockTest {
    /** 2020-09-13: what fake-hwclock restored after a long power cut. */
    private static final long STALE_START = 1_600_000_000_000L;
    /** What NTP adds when it reaches a server. */
    private static final long JUMP_MS = 400L * 24 * 3600 * 1000;

    @TempDir
    Path tmp;
    private MosquittoBroker broker;
    private MqttClient collector;
    private final ConcurrentLinkedQueue<Reading> received = new ConcurrentLinkedQueue<>();
    private final AtomicReference<JsonNode> status = new AtomicReference<>();
    private final MovableClock wall = MovableClock.runningFrom(STALE_START);
    private volatile boolean ntpSynchronised;
    private Agent agent;

    @BeforeEach
    void start() throws Exception {
        broker = MosquittoBroker.start(tmp.resolve("mosquitto"));
        collector = new MqttClient(broker.url(), "fake-collector", new MemoryPersistence());
        collector.connect();
        collector.subscribe("steward/v1/food-forest/bed-1/readings", 1, (topic, message) ->
                received.addAll(ProtocolJson.mapper().readValue(message.getPayload(), ReadingsMessage.class)
                        .readings()));
        collector.subscribe("steward/v1/food-forest/bed-1/status", 1, (topic, message) ->
                status.set(ProtocolJson.mapper().readTree(message.getPayload())));
    }

    @AfterEach
    void stop() throws Exception {
        if (agent != null) {
            agent.stop(Duration.ZERO);
        }
        collector.disconnect();
        broker.close();
    }

    @Test
    void readingsTakenBeforeTheClockIsSet_areHeldBack_thenSentWithTheirRealTime() {
        ConcurrentLinkedQueue<Reading> produced = new ConcurrentLinkedQueue<>();
        agent = Agent.create(config(), time("this-boot"));
        agent.onReading(produced::add);
        agent.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> agent.isConnected() && produced.size() >= 30);

        await().during(Duration.ofMillis(1_500)).atMost(Duration.ofSeconds(3)).until(received::isEmpty);
        assertThat(agent.outboxReadings()).as("held on the device").isPositive();

        wall.advance(Duration.ofMillis(JUMP_MS));
        ntpSynchronised = true;
        await().atMost(Duration.ofSeconds(10)).until(() -> produced.size() >= 80);
        List<Reading> taken = List.copyOf(produced);

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            for (Reading p : taken) {
                long realTime = p.t() < STALE_START + JUMP_MS ? p.t() + JUMP_MS : p.t();
                assertThat(received).as("%s taken at stale %d", p.sensor(), p.t())
                        .anySatisfy(r -> {
                            assertThat(r.sensor()).isEqualTo(p.sensor());
                            assertThat(r.t()).isCloseTo(realTime, within(2L));
                        });
            }
        });
        assertThat(taken).as("some readings were taken before and some after the clock was set")
                .anyMatch(p -> p.t() < STALE_START + JUMP_MS).anyMatch(p -> p.t() >= STALE_START + JUMP_MS);
        assertThat(received).as("nothing sent with a stale time").allMatch(r -> r.t() >= STALE_START + JUMP_MS);
    }

    @Test
    void readingsLeftUntimedByAnEarlierBoot_areNeverSent_andCountedAsUncorrectableInStatus() {
        try (Outbox earlier = Outbox.open(storage(), 1_000_000, "earlier-boot", "test")) {
            earlier.addUntimed(0, ProtocolJson.encode(ReadingsMessage.of("bed-1", 0, List.of(
                    new Reading("soil-a", "soil_moisture", STALE_START, 30, "%"),
                    new Reading("soil-a", "soil_moisture", STALE_START + 1_000, 31, "%")))),
                    new long[] {1, 2}, "earlier-boot", STALE_START);
        }
        ntpSynchronised = true;
        wall.advance(Duration.ofMillis(JUMP_MS));

        agent = Agent.create(config(), time("this-boot"));
        agent.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> status.get() != null
                && status.get().path("uncorrectable").asLong() == 2);
        assertThat(status.get().path("clock_synced").asBoolean()).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> !received.isEmpty());
        assertThat(received).as("the earlier boot's readings").noneMatch(r -> r.t() < STALE_START + JUMP_MS);
    }

    private Path storage() {
        return tmp.resolve("agent");
    }

    private DeviceConfig config() {
        return DeviceConfigLoader.parse("""
                site: food-forest
                device: bed-1
                mqtt: {url: %s}
                publish: {flushSeconds: 0.1, ackTimeoutSeconds: 1}
                storage: {dir: '%s'}
                sensors:
                  - {id: soil-a, kind: soil_moisture, intervalSeconds: 0.05, source: {type: simulated}}
                  - {id: flow, kind: flow_rate, intervalSeconds: 0.1, source: {type: simulated}}
                """.formatted(broker.url(), storage()), "test.yaml");
    }

    private Timekeeping time(String bootId) {
        MonotonicClock monotonic = new MonotonicClock() {
            @Override
            public String bootId() {
                return bootId;
            }

            @Override
            public long nanos() {
                return System.nanoTime();
            }
        };
        ClockSync sync = () -> ntpSynchronised;
        return new Timekeeping(wall, monotonic, sync);
    }
}
