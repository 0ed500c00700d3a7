package coop.steward.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import coop.steward.agent.Agent;
import coop.steward.agent.clock.Timekeeping;
import coop.steward.agent.publish.MqttLogin;
import coop.steward.agent.sensor.Board;
import coop.steward.collector.Collector;
import coop.steward.collector.CollectorSettings;
import coop.steward.collector.ingest.IngestSettings;
import coop.steward.config.DeviceConfigLoader;
import coop.steward.config.TlsFiles;
import coop.steward.launcher.identity.IdentityFolder;
import coop.steward.testsupport.Certificates;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * TLS between every Steward part and a real Mosquitto, with certificates this test makes: the generated
 * configuration's TLS listener asking for client certificates, then a broker whose certificate another CA signed,
 * which every Steward part must refuse before it sends a thing.
 */
class BrokerTlsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;
    private Certificates ca;
    private Certificates.Issued client;
    private final Deque<AutoCloseable> closing = new ArrayDeque<>();
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void certificates() throws Exception {
        // Mosquitto reads its files as the mosquitto user.
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        ca = Certificates.authority(tmp.resolve("pki"), "site-ca");
        client = ca.client("bed-a");
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    @Test
    void theCollector_anAgent_andConfigPush_workOverTls_withClientCertificates() throws Exception {
        Certificates.Issued server = ca.server("broker");
        int plainPort = FreePort.find();
        int tlsPort = FreePort.find();
        Path ids = tmp.resolve("identities");
        Path config = deviceConfig(tlsPort, true);
        assertThat(execute("identities", "--out", ids.toString(), "--port", Integer.toString(plainPort),
                "--bind", "127.0.0.1", "--tls-port", Integer.toString(tlsPort), "--tls-cert",
                server.certFile().toString(), "--tls-key", server.keyFile().toString(), "--client-ca",
                ca.certFile().toString(), config.toString())).as(err.toString()).isZero();
        MosquittoBroker broker = MosquittoBroker.startConfigured(tmp.resolve("mosquitto"), plainPort,
                ids.resolve("mosquitto/steward.conf"));
        closing.push(broker);
        IdentityFolder accounts = new IdentityFolder(ids);
        String url = "ssl://127.0.0.1:" + tlsPort;

        Collector collector = collector(url, accounts.password("collector"),
                new TlsFiles(ca.certFile(), client.certFile(), client.keyFile()));
        Agent agent = Agent.create(DeviceConfigLoader.load(config), Timekeeping.system(Clock.systemUTC()),
                Board.raspberryPi(), new MqttLogin("food-forest.bed-a", accounts.password("food-forest.bed-a")));
        closing.push(agent::close);
        agent.start();
        await().atMost(WAIT).until(() -> stored(collector) >= 2);

        Files.writeString(config, Files.readString(config).replace("intervalSeconds: 1", "intervalSeconds: 2"));
        String operator = ids.resolve("accounts/operator.env").toString();
        int refused = execute("config", "push", config.toString(), "--mqtt", url, "--mqtt-account", operator,
                "--mqtt-ca", ca.certFile().toString(), "--timeout", "20");
        assertThat(refused).as("without a client certificate the broker takes no one").isEqualTo(4);
        int applied = execute("config", "push", config.toString(), "--mqtt", url, "--mqtt-account", operator,
                "--mqtt-ca", ca.certFile().toString(), "--mqtt-cert", client.certFile().toString(), "--mqtt-key",
                client.keyFile().toString(), "--timeout", "20");
        assertThat(applied).as(err.toString()).isZero();
        assertThat(out.toString()).contains("applied: food-forest/bed-a");
    }

    @Test
    void aBrokerWhoseCertificateAnotherCaSigned_isRefused_andNothingIsSentToIt() throws Exception {
        Certificates.Issued impostor = Certificates.authority(tmp.resolve("other-pki"), "other-ca").server("broker");
        int tlsPort = FreePort.find();
        MosquittoBroker broker = MosquittoBroker.start(tmp.resolve("impostor"), "listener " + tlsPort + " 127.0.0.1",
                "certfile " + impostor.certFile(), "keyfile " + impostor.keyFile());
        closing.push(broker);
        List<String> heard = new CopyOnWriteArrayList<>();
        MqttClient watcher = new MqttClient(broker.url(), "watcher", new MemoryPersistence());
        watcher.connect();
        watcher.subscribe("#", 1, (topic, message) -> heard.add(topic));
        closing.push(() -> watcher.disconnectForcibly(100, 100));
        String url = "ssl://127.0.0.1:" + tlsPort;

        Collector collector = collector(url, null, new TlsFiles(ca.certFile(), null, null));
        Agent agent = Agent.create(DeviceConfigLoader.load(deviceConfig(tlsPort, false)),
                Timekeeping.system(Clock.systemUTC()), Board.raspberryPi(), MqttLogin.ANONYMOUS);
        closing.push(agent::close);
        agent.start();
        int pushed = execute("config", "push", deviceConfig(tlsPort, false).toString(), "--mqtt", url,
                "--mqtt-ca", ca.certFile().toString(), "--timeout", "5");

        assertThat(pushed).isEqualTo(4);
        assertThat(err.toString()).contains("it did not prove who it is").contains("nothing was sent");
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(() -> health(collector) == 503 && heard.isEmpty());
    }

    @Test
    void aCertificateFromTheRightCa_forAnotherName_isRefused() throws Exception {
        Certificates.Issued elsewhere = ca.serverNamed("elsewhere", "broker.elsewhere.example");
        int tlsPort = FreePort.find();
        MosquittoBroker broker = MosquittoBroker.start(tmp.resolve("elsewhere"), "listener " + tlsPort
                + " 127.0.0.1", "certfile " + elsewhere.certFile(), "keyfile " + elsewhere.keyFile());
        closing.push(broker);
        String url = "ssl://127.0.0.1:" + tlsPort;

        Collector collector = collector(url, null, new TlsFiles(ca.certFile(), null, null));
        int pushed = execute("config", "push", deviceConfig(tlsPort, false).toString(), "--mqtt", url,
                "--mqtt-ca", ca.certFile().toString(), "--timeout", "5");

        assertThat(pushed).isEqualTo(4);
        assertThat(err.toString()).contains("it did not prove who it is");
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> health(collector) == 503);
    }

    private Collector collector(String url, String password, TlsFiles tls) throws Exception {
        Vertx vertx = Vertx.vertx();
        closing.push(() -> vertx.close().await(10, TimeUnit.SECONDS));
        IngestSettings ingest = new IngestSettings(url, "steward-collector", password == null ? null : "collector",
                password, 2_000, 20_000).withTls(tls);
        Collector collector = Collector.start(vertx, new CollectorSettings(ingest, "127.0.0.1", 0,
                tmp.resolve("store"))).await(30, TimeUnit.SECONDS);
        closing.push(() -> collector.stop().await(10, TimeUnit.SECONDS));
        return collector;
    }

    private Path deviceConfig(int tlsPort, boolean clientCertificate) throws Exception {
        String own = clientCertificate ? ", certFile: '" + client.certFile() + "', keyFile: '" + client.keyFile() + "'"
                : "";
        return Files.writeString(tmp.resolve("bed-a.yaml"), """
                site: food-forest
                device: bed-a
                mqtt:
                  url: 'ssl://127.0.0.1:%d'
                  tls: {caFile: '%s'%s}
                storage: {dir: '%s'}
                sensors:
                  - {id: soil-a, kind: soil_moisture, intervalSeconds: 1, source: {type: simulated}}
                """.formatted(tlsPort, ca.certFile(), own, tmp.resolve("agent")));
    }

    private static int health(Collector collector) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + collector.httpPort() + "/health")).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static long stored(Collector collector) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + collector.httpPort() + "/api/v1/series?site=food-forest&device=bed-a"
                        + "&sensor=soil-a&from=0&to=" + (System.currentTimeMillis() + 86_400_000L))).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() != 200 ? 0 : new JsonObject(response.body()).getJsonArray("t").size();
    }

    private int execute(String... args) {
        CommandLine steward = Steward.commandLine();
        steward.setOut(new PrintWriter(out, true));
        steward.setErr(new PrintWriter(err, true));
        return steward.execute(args);
    }
}
