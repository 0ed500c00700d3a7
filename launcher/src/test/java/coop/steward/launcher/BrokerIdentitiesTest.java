package coop.steward.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import coop.steward.agent.Agent;
import coop.steward.agent.clock.Timekeeping;
import coop.steward.agent.publish.MqttLogin;
import coop.steward.agent.sensor.Board;
import coop.steward.collector.Collector;
import coop.steward.collector.CollectorSettings;
import coop.steward.collector.ingest.IngestSettings;
import coop.steward.config.DeviceConfigLoader;
import coop.steward.launcher.broker.EmbeddedBroker;
import coop.steward.launcher.identity.IdentityFolder;
import coop.steward.testsupport.FreePort;
import coop.steward.testsupport.MosquittoBroker;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

/**
 * The identities {@code bin/steward identities} generates, enforced by a real Mosquitto running exactly the generated
 * configuration and by the demo's own broker opened to the network: a device holding valid credentials still cannot
 * act as another device, hear its commands or forge its acks, nor push anyone off the broker; and the collector,
 * an agent and {@code config push} work under them.
 */
class BrokerIdentitiesTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String SITE = "food-forest";
    private static final String A = "steward/v1/food-forest/bed-a/";
    private static final String B = "steward/v1/food-forest/bed-b/";

    enum Kind { MOSQUITTO, EMBEDDED }

    @TempDir
    Path tmp;
    private int port;
    private Path ids;
    private AutoCloseable broker;
    private final List<MqttClient> clients = new ArrayList<>();
    private final Deque<AutoCloseable> closing = new ArrayDeque<>();
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private void start(Kind kind) throws Exception {
        port = FreePort.find();
        // Mosquitto reads its password file as the mosquitto user, which must reach it as on a real broker machine.
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        ids = tmp.resolve("identities");
        int exit = execute("identities", "--out", ids.toString(), "--port", Integer.toString(port), "--bind",
                "127.0.0.1", config("bed-a").toString(), config("bed-b").toString());
        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).contains("new account food-forest.bed-a", "new account collector",
                "new account operator");
        broker = kind == Kind.MOSQUITTO
                ? MosquittoBroker.startConfigured(tmp.resolve("mosquitto"), port,
                        ids.resolve("mosquitto/steward.conf"))
                : EmbeddedBroker.start("127.0.0.1", port, tmp.resolve("embedded"), new IdentityFolder(ids).load());
    }

    @AfterEach
    void stop() throws Exception {
        for (MqttClient client : clients) {
            try {
                client.disconnectForcibly(100, 100);
                client.close(true);
            } catch (MqttException e) {
                // gone already
            }
        }
        for (AutoCloseable c : closing) {
            c.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void clientsWithoutAnAccount_orWithAWrongPassword_areRefused(Kind kind) throws Exception {
        start(kind);
        assertThatThrownBy(() -> connect(null, null, "anyone")).isInstanceOf(MqttException.class);
        assertThatThrownBy(() -> connect("food-forest.bed-a", "not-its-password", "x"))
                .isInstanceOf(MqttException.class);
        assertThatThrownBy(() -> connect("food-forest.bed-a", password("food-forest.bed-b"), "x"))
                .as("b's password is not a's").isInstanceOf(MqttException.class);
        assertThat(connect("food-forest.bed-a", password("food-forest.bed-a"), "x").isConnected()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aDevice_cannotPublishAsAnother_norSendItCommandsOrConfigs(Kind kind) throws Exception {
        start(kind);
        List<String> heardByCollector = listen(account("collector"), "steward/v1/+/+/readings");
        List<String> heardByA = listen(account("food-forest.bed-a"), A + "cmd", A + "config");
        MqttClient b = account("food-forest.bed-b");

        publish(b, A + "readings", "forged reading");
        publish(b, A + "cmd", "forged command");
        publish(b, A + "config", "forged config");
        publish(b, B + "readings", "b's own");
        publish(account("operator"), A + "cmd", "the operator's command");

        await().atMost(WAIT).until(() -> heardByCollector.size() == 1 && heardByA.size() == 1);
        assertThat(heardByCollector).containsExactly(B + "readings: b's own");
        assertThat(heardByA).containsExactly(A + "cmd: the operator's command");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void onlyTheOperator_sendsConfigsAndCommands_notTheCollector(Kind kind) throws Exception {
        start(kind);
        List<String> heardByA = listen(account("food-forest.bed-a"), A + "cmd", A + "config");

        publish(account("collector"), A + "cmd", "the collector's command");
        publish(account("collector"), A + "config", "the collector's config");
        publish(account("operator"), A + "config", "the operator's config");

        await().atMost(WAIT).until(() -> heardByA.size() == 1);
        assertThat(heardByA).containsExactly(A + "config: the operator's config");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aDevice_cannotHearAnothersCommands_norForgeItsAcks(Kind kind) throws Exception {
        start(kind);
        // Retained before anyone subscribes: the broker hands it to whoever subscribes later, if they may read it.
        account("operator").publish(A + "config", "a's retained config".getBytes(StandardCharsets.UTF_8), 1, true);
        List<String> heardByA = listen(account("food-forest.bed-a"), A + "readings/ack", A + "cmd", A + "config");
        await().atMost(WAIT).until(() -> heardByA.size() == 1);
        MqttClient b = account("food-forest.bed-b");
        List<String> heardByB = new CopyOnWriteArrayList<>();
        for (String filter : List.of(A + "cmd", A + "readings/ack", A + "#", "steward/v1/#", "#")) {
            try {
                b.subscribe(filter, 1, (topic, message) -> heardByB.add(topic));
            } catch (MqttException refused) {
                // Refusing the subscription is as good as never delivering on it.
            }
        }

        publish(b, A + "readings/ack", "{\"v\": 1, \"seq\": [[0, 1000000]]}");
        publish(account("collector"), A + "readings/ack", "the collector's ack");
        publish(account("operator"), A + "cmd", "the operator's command");

        await().atMost(WAIT).until(() -> heardByA.size() == 3);
        assertThat(heardByA).containsExactly(A + "config: a's retained config",
                A + "readings/ack: the collector's ack", A + "cmd: the operator's command");
        assertThat(heardByB).as("b heard nothing of a's").isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aClientReusingAnothersClientId_cannotPushItOffTheBroker(Kind kind) throws Exception {
        start(kind);
        List<String> heardByCollector = listen(connect("collector", password("collector"), "steward-collector"),
                "steward/v1/+/+/readings");
        MqttClient collector = clients.get(clients.size() - 1);

        MqttClient b = connect("food-forest.bed-b", password("food-forest.bed-b"), "steward-collector");
        connect("food-forest.bed-a", password("food-forest.bed-a"), "steward-collector");
        publish(b, B + "readings", "after the impostors");

        await().atMost(WAIT).until(() -> heardByCollector.size() == 1);
        assertThat(collector.isConnected()).isTrue();
        assertThat(heardByCollector).containsExactly(B + "readings: after the impostors");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void theCollector_anAgent_andConfigPush_workUnderTheIdentities(Kind kind) throws Exception {
        start(kind);
        Vertx vertx = Vertx.vertx();
        closing.push(() -> vertx.close().await(10, TimeUnit.SECONDS));
        IngestSettings ingest = new IngestSettings("tcp://127.0.0.1:" + port, "steward-collector", "collector",
                password("collector"), 2_000, 20_000);
        Collector collector = Collector.start(vertx, new CollectorSettings(ingest, "127.0.0.1", 0,
                tmp.resolve("store"))).await(30, TimeUnit.SECONDS);
        closing.push(() -> collector.stop().await(10, TimeUnit.SECONDS));
        Path config = tmp.resolve("bed-a.yaml");
        Agent agent = Agent.create(DeviceConfigLoader.load(config), Timekeeping.system(Clock.systemUTC()),
                Board.raspberryPi(), new MqttLogin("food-forest.bed-a", password("food-forest.bed-a")));
        closing.push(agent::close);
        agent.start();

        await().atMost(WAIT).until(() -> stored(collector, "bed-a") >= 2);

        Files.writeString(config, Files.readString(config).replace("intervalSeconds: 1", "intervalSeconds: 2"));
        int exit = execute("config", "push", config.toString(), "--mqtt", "tcp://127.0.0.1:" + port,
                "--mqtt-account", ids.resolve("accounts/operator.env").toString(), "--timeout", "20");
        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).contains("applied: food-forest/bed-a");
    }

    private Path config(String device) throws Exception {
        return Files.writeString(tmp.resolve(device + ".yaml"), """
                site: food-forest
                device: %s
                mqtt: {url: 'tcp://127.0.0.1:%d'}
                storage: {dir: '%s'}
                sensors:
                  - {id: soil-a, kind: soil_moisture, intervalSeconds: 1, source: {type: simulated}}
                """.formatted(device, port, tmp.resolve("agent-" + device)));
    }

    private String password(String username) {
        return new IdentityFolder(ids).password(username);
    }

    private MqttClient account(String username) throws MqttException {
        return connect(username, password(username), "test-" + username);
    }

    private MqttClient connect(String username, String password, String clientId) throws MqttException {
        MqttClient client = new MqttClient("tcp://127.0.0.1:" + port, clientId, new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setConnectionTimeout(10);
        if (username != null) {
            options.setUserName(username);
            options.setPassword(password.toCharArray());
        }
        client.connect(options);
        clients.add(client);
        return client;
    }

    private static List<String> listen(MqttClient client, String... filters) throws MqttException {
        List<String> heard = new CopyOnWriteArrayList<>();
        for (String filter : filters) {
            client.subscribe(filter, 1, (topic, message) ->
                    heard.add(topic + ": " + new String(message.getPayload(), StandardCharsets.UTF_8)));
        }
        return heard;
    }

    /** Returns once the broker acknowledged it, by when it has routed it or dropped it. */
    private static void publish(MqttClient client, String topic, String payload) throws MqttException {
        client.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false);
    }

    private static long stored(Collector collector, String device) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + collector.httpPort() + "/api/v1/series?site=" + SITE + "&device="
                                + device + "&sensor=soil-a&from=0&to=" + (System.currentTimeMillis() + 86_400_000L)))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() != 200 ? 0 : new JsonObject(response.body()).getJsonArray("t").size();
    }

    private int execute(String... args) {
        CommandLine steward = Steward.commandLine();
        steward.setOut(new PrintWriter(out, true));
        steward.setErr(new PrintWriter(err, true));
        return steward.execute(args);
    }
}
