package coop.steward.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import coop.steward.protocol.ProtocolJson;
import coop.steward.testsupport.MosquittoBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** steward-agent.jar, the file an installer copies to the Pi, run the way its systemd unit runs it. */
class AgentJarIT {
    private static final Path JAR = Path.of(System.getProperty("basedir", "."), "target", "steward-agent.jar");

    @TempDir
    Path tmp;

    @Test
    void theJarAlone_publishesEverySensorsReadings_logsToTheConsole_andGoesOfflineOnSigterm() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.start(tmp.resolve("mosquitto"))) {
            Path config = write("agent.yaml", """
                    site: food-forest
                    device: bed-1
                    mqtt: {url: %s}
                    publish: {flushSeconds: 0.2}
                    storage: {dir: '%s'}
                    sensors:
                      - {id: soil-a, kind: soil_moisture, intervalSeconds: 0.2, source: {type: simulated}}
                      - {id: flow, kind: flow_rate, intervalSeconds: 0.2, source: {type: simulated}}
                    """.formatted(broker.url(), tmp.resolve("agent")));
            Set<String> sensors = ConcurrentHashMap.newKeySet();
            MqttClient collector = new MqttClient(broker.url(), "fake-collector", new MemoryPersistence());
            collector.connect();
            collector.subscribe("steward/v1/food-forest/bed-1/readings", 1, (topic, message) ->
                    ProtocolJson.mapper().readTree(message.getPayload()).path("readings")
                            .forEach(reading -> sensors.add(reading.path("sensor").asText())));
            Path log = tmp.resolve("agent.log");
            Process agent = start(log, "--config", config.toString());
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> sensors.containsAll(Set.of("soil-a", "flow")));
                assertThat(Files.readString(log)).containsPattern("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  Agent - "
                        + "food-forest/bed-1: sampling 2 sensors");
            } finally {
                agent.destroy();
            }
            assertThat(agent.waitFor(20, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
            assertThat(retainedStatus(broker).path("state").asText()).isEqualTo("offline");
            collector.disconnect();
        }
    }

    @Test
    void theJarValidatesAConfigBeforeItIsInstalled_namingTheLineThatIsWrong() throws Exception {
        Path good = write("good.yaml", """
                site: food-forest
                device: bed-1
                mqtt: {url: 'tcp://127.0.0.1:1883'}
                sensors:
                  - {id: soil-a, kind: soil_moisture, intervalSeconds: 60, source: {type: simulated}}
                """);
        Path bad = write("bad.yaml", """
                site: food-forest
                device: bed-1
                mqtt: {url: 'tcp://127.0.0.1:1883'}
                sensors:
                  - {id: soil-a, kind: soil_moisture, intervalSeconds: -5, source: {type: simulated}}
                """);

        assertThat(start(tmp.resolve("good.log"), "config", "validate", good.toString()).waitFor()).isZero();
        Process refused = start(tmp.resolve("bad.log"), "config", "validate", bad.toString());
        assertThat(refused.waitFor()).isNotZero();
        assertThat(Files.readString(tmp.resolve("bad.log"))).contains("bad.yaml:5");
    }

    @Test
    void withoutAConfig_theJarSaysWhatIsMissing() throws Exception {
        Process agent = start(tmp.resolve("none.log"));

        assertThat(agent.waitFor()).isEqualTo(2);
        assertThat(Files.readString(tmp.resolve("none.log"))).contains("Missing required option: '--config=FILE'");
    }

    private Process start(Path log, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx16m", "-jar", JAR.toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(tmp.resolve(name), text, StandardCharsets.UTF_8);
    }

    private static JsonNode retainedStatus(MosquittoBroker broker) throws Exception {
        AtomicReference<byte[]> status = new AtomicReference<>();
        MqttClient reader = new MqttClient(broker.url(), "status-reader", new MemoryPersistence());
        reader.connect();
        reader.subscribe("steward/v1/food-forest/bed-1/status", 1, (topic, message) -> status.set(message.getPayload()));
        await().atMost(Duration.ofSeconds(10)).until(() -> status.get() != null);
        reader.disconnect();
        return ProtocolJson.mapper().readTree(status.get());
    }
}
