package coop.steward.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import coop.steward.testsupport.CuttableLink;
import coop.steward.testsupport.FreePort;
import coop.steward.testsupport.MosquittoBroker;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forwarding with every part a real OS process: an agent and a site collector on the site's Mosquitto, a hub
 * collector on the hub's, and a link between the site and the hub's broker that the test cuts. Both collectors are
 * killed with SIGKILL mid-stream, the site's while the link is down and again while it catches up, and the hub's
 * broker is killed with what it had queued for the hub's dead collector. Afterwards the hub holds every reading the
 * site stored, each once.
 */
class ForwardKillTest {
    private static final List<String> SENSORS = List.of("soil-a", "flow", "power");
    private static final Duration WAIT = Duration.ofSeconds(90);

    /** Kept when the test fails: the brokers', collectors' and agent's logs are in it. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path tmp;
    private final List<Process> processes = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private MosquittoBroker siteBroker;
    private MosquittoBroker hubBroker;
    private CuttableLink uplink;
    private final int siteHttp = FreePort.find();
    private final int hubHttp = FreePort.find();

    @AfterEach
    void stopEverything() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        for (AutoCloseable c : new AutoCloseable[] {uplink, siteBroker, hubBroker}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void cutsAndKillsOnEitherSide_leaveEverySharedReadingAtTheHubOnce() throws Exception {
        siteBroker = MosquittoBroker.start(tmp.resolve("site-mosquitto"));
        hubBroker = MosquittoBroker.start(tmp.resolve("hub-mosquitto"));
        uplink = CuttableLink.to(hubBroker.port());
        Process hub = startHub("hub-1");
        Process site = startSite("site-1");
        Process agent = start("agent", "agent", "--config", agentConfig().toString());
        await().atMost(WAIT).until(() -> count(hubHttp) >= 300);

        uplink.cut(); // the site's internet link goes down; the site goes on storing
        long atCut = count(siteHttp);
        await().atMost(WAIT).until(() -> count(siteHttp) >= atCut + 300);
        kill(site); // and the site's collector dies while the hub is out of reach
        site = startSite("site-2");
        await().atMost(WAIT).until(() -> count(siteHttp) >= atCut + 600);

        kill(hub); // the hub's collector dies too
        uplink.mend();
        // The site catches up into the hub broker's queue for the dead collector, until the broker dies as well,
        // and what it queued with it: only what the hub's collector committed counts as forwarded.
        AtomicInteger queued = new AtomicInteger();
        MqttClient witness = new MqttClient(hubBroker.url(), "witness", new MemoryPersistence());
        witness.connect();
        witness.subscribe("steward/v1/food-forest/+/readings", 1, (topic, message) -> queued.incrementAndGet());
        await().atMost(WAIT).until(() -> queued.get() >= 20);
        witness.disconnectForcibly(1_000);
        witness.close();
        hubBroker.kill();
        hubBroker.restart();
        hub = startHub("hub-2");
        long afterHubRestart = count(hubHttp);
        await().atMost(WAIT).until(() -> count(hubHttp) >= afterHubRestart + 100);
        kill(site); // the site's collector dies again while it forwards
        startSite("site-3");

        agent.destroy(); // SIGTERM: the agent's clean stop waits for the site's last confirmations
        assertThat(agent.waitFor(30, TimeUnit.SECONDS)).isTrue();
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(count(hubHttp)).as("readings at the hub").isEqualTo(count(siteHttp));
            assertThat(backlog()).as("the site's backlog, as the hub heard it").isZero();
        });

        for (String sensor : SENSORS) {
            List<Long> atSite = times(siteHttp, sensor);
            List<Long> atHub = times(hubHttp, sensor);
            assertThat(atHub).as("%s at the hub: each reading once", sensor).doesNotHaveDuplicates();
            assertThat(atHub).as("%s: the hub holds what the site holds", sensor)
                    .containsExactlyInAnyOrderElementsOf(atSite);
        }
        assertThat(count(siteHttp)).as("readings the agent sent").isGreaterThan(1_000);
    }

    private Path agentConfig() throws Exception {
        return Files.writeString(tmp.resolve("bed-c.yaml"), """
                site: food-forest
                device: bed-c
                mqtt: {url: %s, keepAliveSeconds: 5}
                publish: {maxBatch: 10, flushSeconds: 0.1, ackTimeoutSeconds: 2}
                storage: {dir: '%s'}
                sensors:
                  - {id: soil-a, kind: soil_moisture, intervalSeconds: 0.02, source: {type: simulated}}
                  - {id: flow, kind: flow_rate, intervalSeconds: 0.02, source: {type: simulated}}
                  - {id: power, kind: solar_power, intervalSeconds: 0.04, source: {type: simulated}}
                """.formatted(siteBroker.url(), tmp.resolve("agent")));
    }

    /**
     * The hub's broker restarts without what it queued and the site sends that again when the hub has not confirmed
     * it: after 3 s here, so that the test need not wait the default 30.
     */
    private Process startSite(String name) throws Exception {
        Path config = Files.writeString(tmp.resolve("site.yaml"), "sharing: {ackTimeoutSeconds: 3}\n");
        return startCollector(name, siteHttp, "collector", "--mqtt", siteBroker.url(), "--data",
                tmp.resolve("site").toString(), "--forward-to", uplink.url(), "--config", config.toString());
    }

    private Process startHub(String name) throws Exception {
        return startCollector(name, hubHttp, "collector", "--mqtt", hubBroker.url(), "--data",
                tmp.resolve("hub").toString(), "--hub");
    }

    private Process startCollector(String name, int port, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(args));
        command.addAll(List.of("--http", Integer.toString(port), "--open"));
        Process collector = start(name, command.toArray(String[]::new));
        await().atMost(WAIT).ignoreExceptions().until(() -> http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/health")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        return collector;
    }

    private Process start(String name, String... args) throws Exception {
        Process process = StewardProcess.start(tmp, name, args);
        processes.add(process);
        return process;
    }

    private static void kill(Process process) throws InterruptedException {
        process.destroyForcibly(); // SIGKILL
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }

    /** The site's backlog as the hub last heard it; -1 until it has heard. */
    private long backlog() throws Exception {
        JsonArray sites = new JsonArray(get(hubHttp, "/api/v1/hub/sites"));
        return sites.isEmpty() ? -1 : sites.getJsonObject(0).getLong("backlog");
    }

    private long count(int port) {
        try {
            long count = 0;
            for (String sensor : SENSORS) {
                count += times(port, sensor).size();
            }
            return count;
        } catch (Exception e) {
            return -1; // restarting
        }
    }

    private List<Long> times(int port, String sensor) throws Exception {
        return new JsonObject(get(port, "/api/v1/series?site=food-forest&device=bed-c&sensor=" + sensor
                + "&from=0&limit=1000000")).getJsonArray("t").stream().map(t -> ((Number) t).longValue()).toList();
    }

    private static String get(int port, String path) throws Exception {
        return StewardProcess.get(port, path);
    }
}
