package coop.steward.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import coop.steward.agent.config.LastGoodConfig;
import coop.steward.config.DeviceConfigLoader;
import coop.steward.protocol.ConfigAck;
import coop.steward.protocol.ProtocolJson;
import coop.steward.protocol.ReadingsMessage;
import coop.steward.protocol.StatusMessage;
import coop.steward.testsupport.MosquittoBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configs pushed to a running agent over a real Mosquitto, with the test playing the collector. */
class AgentRemoteConfigTest {
    private static final String PREFIX = "steward/v1/food-forest/bed-1/";

    @TempDir
    Path tmp;
    private MosquittoBroker broker;
    private MqttClient collector;
    private final ConcurrentLinkedQueue<ConfigAck> acks = new ConcurrentLinkedQueue<>();
    private final Set<String> sensorsSeen = ConcurrentHashMap.newKeySet();
    private final Set<Long> seqsSeen = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<StatusMessage> statuses = new ConcurrentLinkedQueue<>();
    private Agent agent;

    @BeforeEach
    void start() throws Exception {
        broker = MosquittoBroker.start(tmp.resolve("mosquitto"));
        collector = new MqttClient(broker.url(), "fake-collector", new MemoryPersistence());
        collector.connect();
        collector.subscribe(PREFIX + "config/ack", 1, (topic, message) ->
                acks.add(ConfigAck.decode(message.getPayload())));
        collector.subscribe(PREFIX + "readings", 1, (topic, message) -> {
            ReadingsMessage readings = ProtocolJson.mapper().readValue(message.getPayload(), ReadingsMessage.class);
            seqsSeen.add(readings.seq());
            readings.readings().forEach(r -> sensorsSeen.add(r.sensor()));
        });
        collector.subscribe(PREFIX + "status", 1, (topic, message) ->
                statuses.add(ProtocolJson.decodeStatus(message.getPayload())));
        agent = startAgent();
    }

    @AfterEach
    void stop() throws Exception {
        agent.stop(Duration.ZERO);
        collector.disconnect();
        broker.close();
    }

    @Test
    void retainedConfig_addsASensorWithoutARestart_andIsAcknowledgedAsApplied() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> sensorsSeen.contains("soil-a"));
        long seqsBefore = seqsSeen.size();
        byte[] pushed = config("""
                  - {id: flow, kind: flow_rate, intervalSeconds: 1, source: {type: simulated}}
                """);

        collector.publish(PREFIX + "config", pushed, 1, true);

        await().atMost(Duration.ofSeconds(10)).until(() -> !acks.isEmpty());
        assertThat(acks).singleElement().isEqualTo(ConfigAck.applied(ConfigAck.hashOf(pushed)));
        await().atMost(Duration.ofSeconds(10)).until(() -> sensorsSeen.contains("flow"));
        assertThat(agent.config().sensors()).hasSize(2);
        assertThat(tmp.resolve("agent").resolve(LastGoodConfig.FILE)).hasBinaryContent(pushed);
        assertThat(seqsSeen).as("the same outbox and seq counter go on").hasSizeGreaterThan((int) seqsBefore)
                .doesNotHaveDuplicates();
    }

    @Test
    void invalidPush_isRejectedWithLineNumbers_andTheAgentGoesOnAsBefore() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(agent::isConnected);
        byte[] pushed = config("""
                  - {id: flow, kind: flow_rate, intervalSeconds: -1, source: {type: simulated}}
                """);

        collector.publish(PREFIX + "config", pushed, 1, false);

        await().atMost(Duration.ofSeconds(10)).until(() -> !acks.isEmpty());
        assertThat(acks).singleElement().satisfies(ack -> {
            assertThat(ack.outcome()).isEqualTo(ConfigAck.REJECTED);
            assertThat(ack.errors()).singleElement().asString()
                    .startsWith(PREFIX + "config:8: sensors[1].intervalSeconds: -1 is out of range");
        });
        assertThat(agent.config().sensors()).hasSize(1);
    }

    @Test
    void aPushThatSamplesFasterThanOnceASecond_isRejected_andTheAgentGoesOnWithItsConfig() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(agent::isConnected);
        byte[] pushed = config("""
                  - {id: flow, kind: flow_rate, intervalSeconds: 0.001, source: {type: simulated}}
                """);

        collector.publish(PREFIX + "config", pushed, 1, true);

        await().atMost(Duration.ofSeconds(10)).until(() -> !acks.isEmpty());
        assertThat(acks).singleElement().satisfies(ack -> {
            assertThat(ack.outcome()).isEqualTo(ConfigAck.REJECTED);
            assertThat(ack.errors()).containsExactly(PREFIX + "config: sensors[1].intervalSeconds: a pushed config "
                    + "may sample a sensor at most once a second, not every 0.001 s; sample faster in the config file "
                    + "on the device");
        });
        assertThat(agent.config().sensors()).hasSize(1);
        assertThat(tmp.resolve("agent").resolve(LastGoodConfig.FILE)).doesNotExist();
    }

    @Test
    void aConfigOfMoreThan64KiB_isRejectedUnread_andOneJustUnderIsApplied() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(agent::isConnected);
        byte[] tooLarge = config("# " + "x".repeat(64 * 1024) + "\n"
                + "  - {id: flow, kind: flow_rate, intervalSeconds: 1, source: {type: simulated}}\n");

        collector.publish(PREFIX + "config", tooLarge, 1, false);

        await().atMost(Duration.ofSeconds(10)).until(() -> !acks.isEmpty());
        assertThat(acks).singleElement().isEqualTo(ConfigAck.rejected(ConfigAck.hashOf(tooLarge), List.of(PREFIX
                + "config: the config is " + tooLarge.length + " bytes; a device reads at most 65536 bytes (64 KiB): "
                + "leave out comments or split the device")));
        assertThat(agent.config().sensors()).hasSize(1);

        byte[] justUnder = config("# " + "x".repeat(60 * 1024) + "\n"
                + "  - {id: flow, kind: flow_rate, intervalSeconds: 1, source: {type: simulated}}\n");
        collector.publish(PREFIX + "config", justUnder, 1, false);

        await().atMost(Duration.ofSeconds(10)).until(() -> acks.size() == 2);
        assertThat(acks).last().isEqualTo(ConfigAck.applied(ConfigAck.hashOf(justUnder)));
    }

    @Test
    void retainedConfig_isAppliedAgain_whenTheAgentRestartsFromItsOwnFile() throws Exception {
        byte[] pushed = config("""
                  - {id: flow, kind: flow_rate, intervalSeconds: 1, source: {type: simulated}}
                """);
        collector.publish(PREFIX + "config", pushed, 1, true);
        await().atMost(Duration.ofSeconds(10)).until(() -> acks.size() == 1);
        agent.stop(Duration.ZERO);

        agent = startAgent();

        await().atMost(Duration.ofSeconds(10)).until(() -> agent.config().sensors().size() == 2);
    }

    @Test
    void status_namesTheHashOfTheConfigTheAgentRuns_fromTheFileItStartedWith_thenFromEachPushItApplied()
            throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> statuses.stream().anyMatch(s -> "online".equals(s.state())));
        assertThat(statuses).filteredOn(s -> "online".equals(s.state())).first()
                .extracting(StatusMessage::config).isEqualTo(ConfigAck.hashOf(config("")));
        byte[] pushed = config("""
                  - {id: flow, kind: flow_rate, intervalSeconds: 1, source: {type: simulated}}
                """);

        collector.publish(PREFIX + "config", pushed, 1, false);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(statuses).last()
                .extracting(StatusMessage::config).isEqualTo(ConfigAck.hashOf(pushed)));
    }

    private Agent startAgent() {
        Agent started = Agent.create(DeviceConfigLoader.parse(new String(config(""), StandardCharsets.UTF_8),
                "bed-1.yaml"), Clock.systemUTC()).withConfigHash(ConfigAck.hashOf(config("")));
        started.start();
        return started;
    }

    private byte[] config(String moreSensors) {
        return ("""
                site: food-forest
                device: bed-1
                mqtt: {url: %s}
                publish: {flushSeconds: 1, ackTimeoutSeconds: 1}
                storage: {dir: '%s'}
                sensors:
                  - {id: soil-a, kind: soil_moisture, intervalSeconds: 1, source: {type: simulated}}
                """.formatted(broker.url(), tmp.resolve("agent")) + moreSensors).getBytes(StandardCharsets.UTF_8);
    }
}
