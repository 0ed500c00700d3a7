package coop.steward.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import coop.steward.config.DeviceConfigLoader;
import coop.steward.protocol.ProtocolJson;
import coop.steward.protocol.SeqRange;
import coop.steward.testsupport.MosquittoBroker;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent against a real Mosquitto, with the test playing the collector. */
class AgentMqttTest {
    @TempDir
    Path tmp;
    private MosquittoBroker broker;
    private MqttClient collector;
    private Agent agent;

    @BeforeEach
    void start() throws Exception {
        broker = MosquittoBroker.start(tmp.resolve("mosquitto"));
        collector = new MqttClient(broker.url(), "fake-collector", new MemoryPersistence());
        collector.connect();
        agent = Agent.create(DeviceConfigLoader.parse("""
                site: food-forest
                device: bed-1
                mqtt: {url: %s}
                publish: {flushSeconds: 0.1, ackTimeoutSeconds: 1, holdSeconds: 1}
                storage: {dir: '%s'}
                sensors:
                  - {id: soil-a, kind: soil_moisture, intervalSeconds: 0.1, source: {type: simulated}}
                """.formatted(broker.url(), tmp.resolve("agent")), "test.yaml"), Clock.systemUTC());
    }

    @AfterEach
    void stop() throws Exception {
        agent.stop(Duration.ZERO);
        collector.disconnect();
        broker.close();
    }

    @Test
    void connecting_publishesARetainedOnlineStatus_andStoppingARetainedOffline() throws Exception {
        agent.start();
        await().atMost(Duration.ofSeconds(10)).until(agent::isConnected);

        assertThat(retainedStatus().path("state").asText()).isEqualTo("online");
        assertThat(retainedStatus().path("agent").asText()).isEqualTo(Agent.VERSION);

        agent.stop(Duration.ZERO);
        assertThat(retainedStatus().path("state").asText()).isEqualTo("offline");
    }

    @Test
    void unconfirmedMessages_areSentAgainAfterTheAckTimeout_andLeaveOnceConfirmed() throws Exception {
        Map<Long, Integer> timesSeen = new ConcurrentHashMap<>();
        collector.subscribe("steward/v1/food-forest/bed-1/readings", 1, (topic, message) -> {
            long seq = ProtocolJson.mapper().readTree(message.getPayload()).path("seq").asLong();
            timesSeen.merge(seq, 1, Integer::sum);
        });
        agent.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> timesSeen.getOrDefault(0L, 0) >= 2);
        assertThat(agent.outboxReadings()).isPositive();

        collector.publish("steward/v1/food-forest/bed-1/readings/ack",
                ProtocolJson.encodeAck(List.of(new SeqRange(0, 0))), 1, false);
        int seenAtAck = timesSeen.get(0L);

        // Confirmed: not sent again (one resend may already be on its way) while the ack timeout passes twice
        // more; seq 1, still unconfirmed, is.
        int seq1AtAck = timesSeen.getOrDefault(1L, 0);
        await().during(Duration.ofMillis(2_500)).atMost(Duration.ofSeconds(4))
                .until(() -> timesSeen.get(0L) <= seenAtAck + 1);
        assertThat(timesSeen.get(1L)).isGreaterThan(seq1AtAck);
    }

    @Test
    void messagesTheCollectorConfirmsWithinTheHold_neverReachTheDisk_andTheOnesItDoesNotConfirm_doAfterTheHold()
            throws Exception {
        AtomicBoolean confirming = new AtomicBoolean(true);
        Set<Long> sent = ConcurrentHashMap.newKeySet();
        collector.subscribe("steward/v1/food-forest/bed-1/readings", 1, (topic, message) -> {
            long seq = ProtocolJson.mapper().readTree(message.getPayload()).path("seq").asLong();
            sent.add(seq);
            if (confirming.get()) {
                collector.publish("steward/v1/food-forest/bed-1/readings/ack",
                        ProtocolJson.encodeAck(List.of(new SeqRange(seq, seq))), 1, false);
            }
        });
        agent.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> sent.size() >= 20);
        assertThat(messagesOnDisk()).as("confirmed within the hold of 1 s").isZero();

        confirming.set(false);
        int confirmed = sent.size();
        await().atMost(Duration.ofSeconds(10)).until(() -> messagesOnDisk() >= 5);
        assertThat(sent.size()).as("sent while unconfirmed, before any was written").isGreaterThan(confirmed);
    }

    private long messagesOnDisk() throws Exception {
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + tmp.resolve("agent").resolve("outbox.db"));
             Statement s = db.createStatement();
             ResultSet count = s.executeQuery("SELECT count(*) FROM message")) {
            count.next();
            return count.getLong(1);
        }
    }

    @Test
    void anAckOfMoreThan64KiB_isDroppedUnread_andTheReadingsItNamesStayInTheOutbox() throws Exception {
        agent.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> agent.isConnected() && agent.outboxReadings() >= 5);
        String ack = "{\"v\": 1, \"seq\": [[0, 1000000]], \"x\": \"%s\"}";

        collector.publish("steward/v1/food-forest/bed-1/readings/ack",
                ack.formatted("x".repeat(64 * 1024)).getBytes(StandardCharsets.UTF_8), 1, false);

        await().during(Duration.ofMillis(1_500)).atMost(Duration.ofSeconds(3))
                .until(() -> agent.outboxReadings() >= 5);

        collector.publish("steward/v1/food-forest/bed-1/readings/ack",
                ack.formatted("x".repeat(60 * 1024)).getBytes(StandardCharsets.UTF_8), 1, false);

        await().atMost(Duration.ofSeconds(10)).until(() -> agent.outboxReadings() < 5);
    }

    private JsonNode retainedStatus() throws Exception {
        AtomicReference<byte[]> status = new AtomicReference<>();
        MqttClient reader = new MqttClient(broker.url(), "status-reader-" + System.nanoTime(), new MemoryPersistence());
        reader.connect();
        reader.subscribe("steward/v1/food-forest/bed-1/status", 1, (topic, message) -> status.set(message.getPayload()));
        await().atMost(Duration.ofSeconds(10)).until(() -> status.get() != null);
        reader.disconnect();
        return ProtocolJson.mapper().readTree(new String(status.get(), StandardCharsets.UTF_8));
    }
}
