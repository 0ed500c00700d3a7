package coop.steward.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutput;
import coop.steward.agent.clock.ClockSync;
import coop.steward.agent.clock.MonotonicClock;
import coop.steward.agent.clock.Timekeeping;
import coop.steward.agent.sensor.MockPi;
import coop.steward.config.DeviceConfigLoader;
import coop.steward.protocol.ProtocolJson;
import coop.steward.testsupport.MosquittoBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's valve against a real Mosquitto, with the test playing the collector and Pi4J's mock GPIO standing
 * in for the relay: commands open and close it, every command is acknowledged, and the agent closes it by itself
 * when it has been open for its maximum and when the broker goes away.
 */
class ActuatorMqttTest {
    private static final String CMD = "steward/v1/food-forest/bed-1/cmd";
    private static final int VALVE_PIN = 27;

    @TempDir
    Path tmp;
    private MosquittoBroker broker;
    private MqttClient collector;
    private final MockPi pi = new MockPi();
    private final List<JsonNode> acks = new CopyOnWriteArrayList<>();
    private final List<Double> valveReadings = new CopyOnWriteArrayList<>();
    private final List<String> sensorsSeen = new CopyOnWriteArrayList<>();
    private Agent agent;

    @BeforeEach
    void start() throws Exception {
        broker = MosquittoBroker.start(tmp.resolve("mosquitto"));
        collector = new MqttClient(broker.url(), "fake-collector", new MemoryPersistence());
        collector.connect();
        collector.subscribe(CMD + "/ack", 1, (topic, message) -> acks.add(json(message.getPayload())));
        collector.subscribe("steward/v1/food-forest/bed-1/readings", 1, (topic, message) -> {
            for (JsonNode reading : json(message.getPayload()).path("readings")) {
                sensorsSeen.add(reading.path("sensor").asText());
                if (reading.path("sensor").asText().equals("valve")) {
                    valveReadings.add(reading.path("value").asDouble());
                }
            }
        });
    }

    @AfterEach
    void stop() throws Exception {
        if (agent != null) {
            agent.stop(Duration.ZERO);
        }
        if (collector.isConnected()) {
            collector.disconnect();
        }
        collector.close();
        broker.close();
        pi.close();
    }

    @Test
    void aCommand_opensTheValve_andIsAcknowledgedOnCmdAck_andTheStateIsReported() throws Exception {
        startAgent(600, "");

        send("{\"v\":1,\"id\":\"c-17\",\"actuator\":\"valve\",\"action\":\"open\",\"seconds\":300}");

        await().atMost(Duration.ofSeconds(10)).until(() -> acks.size() == 1);
        assertThat(acks.get(0).toString()).isEqualTo("{\"v\":1,\"id\":\"c-17\",\"outcome\":\"done\",\"state\":1}");
        assertThat(pi.output(VALVE_PIN).state()).isEqualTo(DigitalState.HIGH);
        await().atMost(Duration.ofSeconds(10)).until(() -> valveReadings.contains(1.0));

        send("{\"v\":1,\"id\":\"c-18\",\"actuator\":\"valve\",\"action\":\"close\"}");

        await().atMost(Duration.ofSeconds(10)).until(() -> acks.size() == 2);
        assertThat(acks.get(1).toString()).isEqualTo("{\"v\":1,\"id\":\"c-18\",\"outcome\":\"done\",\"state\":0}");
        assertThat(pi.output(VALVE_PIN).state()).isEqualTo(DigitalState.LOW);
        await().atMost(Duration.ofSeconds(10)).until(() -> valveReadings.lastIndexOf(0.0) > valveReadings.indexOf(1.0));
    }

    @Test
    void aCommandItCannotCarryOut_isAcknowledgedAsRefused() throws Exception {
        startAgent(600, "");

        send("{\"v\":1,\"id\":\"c-19\",\"actuator\":\"valve\",\"action\":\"open\",\"seconds\":3600}");

        await().atMost(Duration.ofSeconds(10)).until(() -> acks.size() == 1);
        assertThat(acks.get(0).path("outcome").asText()).isEqualTo("refused");
        assertThat(acks.get(0).path("reason").asText()).isEqualTo("seconds 3600 is more than valve's maxOpenSeconds "
                + "(600)");
        assertThat(pi.output(VALVE_PIN).state()).isEqualTo(DigitalState.LOW);
    }

    @Test
    void anOpenRightAfterAClose_isRefusedOnCmdAck_untilTheValveHasRested() throws Exception {
        startAgent(600, "");

        send("{\"v\":1,\"id\":\"c-40\",\"actuator\":\"valve\",\"action\":\"open\",\"seconds\":300}");
        send("{\"v\":1,\"id\":\"c-41\",\"actuator\":\"valve\",\"action\":\"close\"}");
        send("{\"v\":1,\"id\":\"c-42\",\"actuator\":\"valve\",\"action\":\"open\",\"seconds\":300}");

        await().atMost(Duration.ofSeconds(10)).until(() -> acks.size() == 3);
        assertThat(acks.get(2).path("id").asText()).isEqualTo("c-42");
        assertThat(acks.get(2).path("outcome").asText()).isEqualTo("refused");
        assertThat(acks.get(2).path("reason").asText()).startsWith("valve rests 60 s after each opening "
                + "(minClosedSeconds); it closed 0 s ago: open it again in ");
        assertThat(pi.output(VALVE_PIN).state()).isEqualTo(DigitalState.LOW);
    }

    @Test
    void aCommandOfMoreThan4KiB_isRefusedUnread_andOneJustUnderIsCarriedOut() throws Exception {
        startAgent(600, "");
        String open = "{\"v\":1,\"id\":\"c-%s\",\"actuator\":\"valve\",\"action\":\"open\",\"seconds\":300,"
                + "\"note\":\"%s\"}";
        byte[] tooLarge = open.formatted("50", "x".repeat(4096)).getBytes(StandardCharsets.UTF_8);
        byte[] justUnder = open.formatted("51", "x".repeat(4000)).getBytes(StandardCharsets.UTF_8);
        assertThat(justUnder.length).isLessThanOrEqualTo(4096);

        publish(CMD, tooLarge);

        await().atMost(Duration.ofSeconds(10)).until(() -> acks.size() == 1);
        assertThat(acks.get(0).toString()).isEqualTo("{\"v\":1,\"outcome\":\"refused\",\"reason\":\"the command "
                + "is " + tooLarge.length + " bytes; a device reads at most 4096 bytes (4 KiB) of a command\"}");
        assertThat(pi.output(VALVE_PIN).state()).isEqualTo(DigitalState.LOW);

        publish(CMD, justUnder);

        await().atMost(Duration.ofSeconds(10)).until(() -> acks.size() == 2);
        assertThat(acks.get(1).path("outcome").asText()).isEqualTo("done");
    }

    @Test
    void whenTheBrokerStopsWhileTheValveIsOpen_theAgentClosesItAtOnce() throws Exception {
        startAgent(600, "");
        send("{\"v\":1,\"id\":\"c-20\",\"actuator\":\"valve\",\"action\":\"open\",\"seconds\":300}");
        await().atMost(Duration.ofSeconds(10)).until(() -> pi.output(VALVE_PIN).state() == DigitalState.HIGH);

        broker.stop();

        // Its command said 300 s: it closes within seconds, because no collector could close it now.
        await().atMost(Duration.ofSeconds(5)).until(() -> pi.output(VALVE_PIN).state() == DigitalState.LOW);
        assertThat(agent.isConnected()).isFalse();
    }

    @Test
    void aValveOpenForItsMaximum_closesByItself_evenWhenItIsToldAgainToStayOpen() throws Exception {
        startAgent(2, "");
        send("{\"v\":1,\"id\":\"c-21\",\"actuator\":\"valve\",\"action\":\"open\",\"seconds\":1.5}");
        await().atMost(Duration.ofSeconds(10)).until(() -> pi.output(VALVE_PIN).state() == DigitalState.HIGH);
        long openedAt = System.nanoTime();

        Thread.sleep(1_000); // a second of its 1.5 s open
        send("{\"v\":1,\"id\":\"c-22\",\"actuator\":\"valve\",\"action\":\"open\",\"seconds\":1.5}"); // to 2.5 s

        await().atMost(Duration.ofSeconds(5)).until(() -> pi.output(VALVE_PIN).state() == DigitalState.LOW);
        assertThat(Duration.ofNanos(System.nanoTime() - openedAt)).isLessThan(Duration.ofMillis(2_400));
        assertThat(acks).extracting(ack -> ack.path("outcome").asText()).containsExactly("done", "done");
        await().atMost(Duration.ofSeconds(10)).until(() -> valveReadings.contains(0.0));
    }

    @Test
    void stoppingTheAgent_closesTheValve() throws Exception {
        startAgent(600, "");
        send("{\"v\":1,\"id\":\"c-23\",\"actuator\":\"valve\",\"action\":\"open\",\"seconds\":300}");
        await().atMost(Duration.ofSeconds(10)).until(() -> pi.output(VALVE_PIN).state() == DigitalState.HIGH);
        MockDigitalOutput relay = pi.output(VALVE_PIN); // the agent gives its pins back when it stops

        agent.stop(Duration.ofSeconds(1));

        assertThat(relay.state()).isEqualTo(DigitalState.LOW);
        await().atMost(Duration.ofSeconds(10)).until(() -> valveReadings.contains(0.0));
    }

    @Test
    void aFaultySensor_isNamedInTheStatus_andNeverSentAsAReading() throws Exception {
        // No probe is wired to the machine that runs the test: the kernel's 1-Wire folder has none.
        startAgent(600, "  - {id: soil-temp, kind: soil_temperature, intervalSeconds: 0.1, source: {type: ds18b20, "
                + "device: 28-000005e2fdc3}}\n");

        await().atMost(Duration.ofSeconds(10)).until(() -> retainedStatus().path("faults").has("soil-temp"));
        assertThat(retainedStatus().path("faults").path("soil-temp").asText())
                .startsWith("sensor soil-temp: no DS18B20 at ");
        await().atMost(Duration.ofSeconds(10)).until(() -> sensorsSeen.contains("soil-a"));
        assertThat(sensorsSeen).doesNotContain("soil-temp");
    }

    @Test
    void garbageOnItsCommandConfigAndAckTopics_neverStopsTheAgent() throws Exception {
        startAgent(600, "");
        List<byte[]> garbage = List.of(new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1}, "{\"v\": 1, \"id\": ".getBytes(),
                "[".repeat(100_000).getBytes(), "x".repeat(1_000_000).getBytes(), new byte[0], "null".getBytes(),
                "42".getBytes(), ("a: &a [\"x\",\"x\"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
                        + "d: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n").getBytes(), "{a: ".repeat(50_000).getBytes());
        for (byte[] payload : garbage) {
            publish(CMD, payload);
            publish("steward/v1/food-forest/bed-1/config", payload);
            publish("steward/v1/food-forest/bed-1/readings/ack", payload);
        }
        int seenBefore = sensorsSeen.size();

        send("{\"v\":1,\"id\":\"c-30\",\"actuator\":\"valve\",\"action\":\"open\",\"seconds\":300}");

        await().atMost(Duration.ofSeconds(15)).until(() -> acks.stream().anyMatch(ack ->
                ack.path("id").asText().equals("c-30") && ack.path("outcome").asText().equals("done")));
        assertThat(acks).as("every malformed command answered: refused, never silence")
                .filteredOn(ack -> ack.path("outcome").asText().equals("refused")).hasSizeGreaterThanOrEqualTo(7);
        await().atMost(Duration.ofSeconds(10)).until(() -> sensorsSeen.size() > seenBefore + 5);
        assertThat(agent.isConnected()).isTrue();
    }

    @Test
    void anAgentWithoutGpioI2cOrSpi_neverStartsPi4j() throws Exception {
        agent = Agent.create(DeviceConfigLoader.parse(yaml(600, "").replaceAll("(?s)actuators:.*", ""), "test.yaml"),
                time(), pi.board());
        agent.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> sensorsSeen.contains("soil-a"));
        assertThat(pi.board().started()).isFalse();
    }

    private void startAgent(double maxOpenSeconds, String moreSensors) {
        agent = Agent.create(DeviceConfigLoader.parse(yaml(maxOpenSeconds, moreSensors), "test.yaml"), time(),
                pi.board());
        agent.start();
        await().atMost(Duration.ofSeconds(10)).until(agent::isConnected);
    }

    private String yaml(double maxOpenSeconds, String moreSensors) {
        return """
                site: food-forest
                device: bed-1
                mqtt: {url: %s}
                publish: {flushSeconds: 0.1, ackTimeoutSeconds: 1}
                storage: {dir: %s}
                sensors:
                  - {id: soil-a, kind: soil_moisture, intervalSeconds: 0.2, source: {type: simulated}}
                %sactuators:
                  - {id: valve, gpio: 27, activeHigh: true, maxOpenSeconds: %s, intervalSeconds: 60}
                """.formatted(broker.url(), tmp.resolve("agent"), moreSensors, maxOpenSeconds);
    }

    private static Timekeeping time() {
        return new Timekeeping(Clock.systemUTC(), MonotonicClock.system(), ClockSync.always());
    }

    private void send(String command) throws Exception {
        publish(CMD, command.getBytes(StandardCharsets.UTF_8));
    }

    /** Paho's synchronous publish can still count the previous message as in flight for a moment: try again. */
    private void publish(String topic, byte[] payload) throws Exception {
        while (true) {
            try {
                collector.publish(topic, payload, 1, false);
                return;
            } catch (MqttException e) {
                if (e.getReasonCode() != MqttException.REASON_CODE_MAX_INFLIGHT) {
                    throw e;
                }
                Thread.onSpinWait();
            }
        }
    }

    private JsonNode retainedStatus() throws Exception {
        AtomicReference<byte[]> status = new AtomicReference<>();
        MqttClient reader = new MqttClient(broker.url(), "status-reader-" + System.nanoTime(), new MemoryPersistence());
        reader.connect();
        reader.subscribe("steward/v1/food-forest/bed-1/status", 1, (topic, message) -> status.set(message.getPayload()));
        await().atMost(Duration.ofSeconds(10)).until(() -> status.get() != null);
        reader.disconnect();
        reader.close();
        return json(status.get());
    }

    private static JsonNode json(byte[] payload) {
        try {
            return ProtocolJson.mapper().readTree(payload);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
