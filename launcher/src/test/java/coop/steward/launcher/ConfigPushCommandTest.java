package coop.steward.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import coop.steward.agent.Agent;
import coop.steward.config.DeviceConfigLoader;
import coop.steward.testsupport.FreePort;
import coop.steward.testsupport.MosquittoBroker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code steward config push} against a real Mosquitto and a real agent. */
class ConfigPushCommandTest {
    @TempDir
    Path tmp;
    private MosquittoBroker broker;
    private Agent agent;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void start() {
        broker = MosquittoBroker.start(tmp.resolve("mosquitto"));
    }

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.stop(Duration.ZERO);
        }
        broker.close();
    }

    @Test
    void pushToARunningAgent_printsApplied_andExitsZero_andTheAgentRunsTheNewConfig() throws Exception {
        agent = Agent.create(DeviceConfigLoader.parse(config(""), "bed-1.yaml"), Clock.systemUTC());
        agent.start();
        await().atMost(Duration.ofSeconds(10)).until(agent::isConnected);
        Path file = write(config("  - {id: flow, kind: flow_rate, intervalSeconds: 1, source: {type: simulated}}\n"));

        int exit = execute("config", "push", file.toString(), "--mqtt", broker.url(), "--timeout", "20");

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).contains("applied: food-forest/bed-1 runs " + file);
        assertThat(agent.config().sensors()).hasSize(2);
    }

    @Test
    void invalidFile_isReportedWithItsLine_andNothingIsPublished() throws Exception {
        Path file = write(config("  - {id: flow, kind: flow_rat, intervalSeconds: 1, source: {type: simulated}}\n"));

        int exit = execute("config", "push", file.toString(), "--mqtt", broker.url());

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains(file + ":7: sensors[1].kind: 'flow_rat' is not a known kind")
                .contains("Nothing was sent.");
        AtomicReference<byte[]> retained = new AtomicReference<>();
        MqttClient reader = new MqttClient(broker.url(), "reader", new MemoryPersistence());
        reader.connect();
        reader.subscribe("steward/v1/food-forest/bed-1/config", 1, (t, m) -> retained.set(m.getPayload()));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> retained.get() == null);
        reader.disconnect();
    }

    @Test
    void noAgentAnswering_exitsThree_andSaysTheConfigWaitsRetained() throws Exception {
        Path file = write(config(""));

        int exit = execute("config", "push", file.toString(), "--mqtt", broker.url(), "--timeout", "1");

        assertThat(exit).isEqualTo(3);
        assertThat(err.toString()).contains("no answer from food-forest/bed-1 within 1 s")
                .contains("stays retained on the broker");
    }

    @Test
    void unreachableBroker_exitsFour_andSendsNothing() throws Exception {
        Path file = write(config(""));

        int exit = execute("config", "push", file.toString(), "--mqtt", "tcp://127.0.0.1:" + FreePort.find());

        assertThat(exit).isEqualTo(4);
        assertThat(err.toString()).contains("cannot reach the broker");
    }

    @Test
    void configHelp_listsPushBesideValidate() {
        assertThat(execute("config", "--help")).isZero();
        assertThat(out.toString()).contains("validate").contains("push");
    }

    private String config(String moreSensors) {
        return """
                site: food-forest
                device: bed-1
                mqtt: {url: %s}
                storage: {dir: '%s'}
                sensors:
                  - {id: soil-a, kind: soil_moisture, intervalSeconds: 1, source: {type: simulated}}
                """.formatted(broker.url(), tmp.resolve("agent")) + moreSensors;
    }

    private Path write(String yaml) throws Exception {
        return Files.writeString(tmp.resolve("bed-1.yaml"), yaml);
    }

    private int execute(String... args) {
        CommandLine steward = Steward.commandLine();
        steward.setOut(new PrintWriter(out, true));
        steward.setErr(new PrintWriter(err, true));
        return steward.execute(args);
    }
}
