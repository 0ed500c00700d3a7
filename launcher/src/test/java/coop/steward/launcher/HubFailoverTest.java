package coop.steward.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import coop.steward.collector.hub.HubMembers;
import coop.steward.protocol.ProtocolJson;
import coop.steward.protocol.SeqRange;
import coop.steward.testsupport.FreePort;
import coop.steward.testsupport.InfluxServer;
import coop.steward.testsupport.MosquittoBroker;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hub of three collector processes behind one real Mosquitto (shared subscriptions) and one real InfluxDB. Twelve
 * sites' beds send three hours of readings, resending what is not confirmed as agents do; each bed dries out once
 * and stays dry past the soil-dry rule's 30 minutes. One collector, owner of some sites, is killed with SIGKILL
 * mid-stream: after some of its sites' alerts were raised, and while others' dry spells were under way. Every
 * reading is stored, and every site has exactly one soil-dry alert, raised once.
 */
class HubFailoverTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final int MINUTES = 180;
    /** Raised at minute 95, inside the 2 hours a new owner reads back, after moist readings there. */
    private static final int EARLY_DROP = 65;
    private static final int LATE_DROP = 90;
    private static final int KILL_AT = 100;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path tmp;
    private final List<Process> processes = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private final long t0 = (System.currentTimeMillis() / 60_000 - MINUTES) * 60_000;
    /** Alert ids seen raised, by site, and the ids of those cleared. */
    private final Map<String, Set<String>> raised = new ConcurrentHashMap<>();
    private final Set<String> cleared = ConcurrentHashMap.newKeySet();
    private final Map<String, JsonObject> published = new ConcurrentHashMap<>();
    /** Each site's seqs not yet confirmed, with when they were sent. */
    private final Map<String, Map<Long, Long>> unconfirmed = new ConcurrentHashMap<>();
    private MosquittoBroker broker;
    private InfluxServer influx;

    @AfterEach
    void stopEverything() {
        for (Process p : processes) {
            p.destroyForcibly();
        }
        if (broker != null) {
            broker.close();
        }
        if (influx != null) {
            influx.close();
        }
    }

    @Test
    void killingOneOfThreeCollectorsMidStream_losesNoReading_andRaisesEveryAlertOnce() throws Exception {
        broker = MosquittoBroker.start(tmp.resolve("mosquitto"));
        influx = InfluxServer.start(tmp.resolve("influx"));
        int[] ports = {FreePort.find(), FreePort.find(), FreePort.find()};
        List<Process> collectors = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            collectors.add(start("collector-" + i, "collector", "--mqtt", broker.url(), "--data",
                    tmp.resolve("c" + i).toString(), "--hub", "--hub-group", "region", "--influxdb",
                    influx.url() + "/steward", "--http", Integer.toString(ports[i]), "--open"));
        }
        for (int port : ports) {
            await().atMost(WAIT).ignoreExceptions().until(() -> status(port, "/health") == 200);
        }
        // Sites chosen so that the collector to be killed owns two that dry early and two that dry late.
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(Files.readString(tmp.resolve("c" + i).resolve("collector-id")).strip());
        }
        HubMembers view = new HubMembers("region", ids.get(0));
        for (String id : ids) {
            view.heard(HubMembers.ROOT + "region/members/" + id, new byte[] {1});
        }
        String victim = ids.get(2);
        List<String> early = pick(view, victim, 0);
        List<String> late = pick(view, victim, 100);
        List<String> sites = new ArrayList<>(early);
        sites.addAll(late);

        MqttClient witness = new MqttClient(broker.url(), "witness", new MemoryPersistence());
        witness.connect();
        Set<String> alive = ConcurrentHashMap.newKeySet();
        witness.subscribe(HubMembers.ROOT + "region/members/+", 1, (topic, message) -> {
            if (message.getPayload().length == 0) {
                alive.remove(topic);
            } else {
                alive.add(topic);
            }
        });
        witness.subscribe("steward/v1/+/alerts/+", 1, (topic, message) -> {
            String[] parts = topic.split("/");
            if (message.getPayload().length == 0) {
                cleared.add(parts[4]);
            } else {
                raised.computeIfAbsent(parts[2], s -> ConcurrentHashMap.newKeySet()).add(parts[4]);
                published.put(parts[4], new JsonObject(new String(message.getPayload(), StandardCharsets.UTF_8)));
            }
        });
        MqttClient agents = new MqttClient(broker.url(), "agents", new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMaxInflight(1_000);
        agents.connect(options);
        agents.subscribe("steward/v1/+/bed-1/readings/ack", 1, (topic, message) -> {
            Map<Long, Long> waiting = unconfirmed.get(topic.split("/")[2]);
            for (SeqRange range : ProtocolJson.decodeAck(message.getPayload())) {
                for (long seq = range.from(); seq <= range.to(); seq++) {
                    waiting.remove(seq);
                }
            }
        });
        sites.forEach(site -> unconfirmed.put(site, new ConcurrentHashMap<>()));

        await().atMost(WAIT).until(() -> alive.size() == 3);
        for (int minute = 0; minute < MINUTES; minute++) {
            for (String site : sites) {
                send(agents, site, minute, early.contains(site) ? EARLY_DROP : LATE_DROP);
            }
            resendOverdue(agents, sites, minute);
            Thread.sleep(60);
            if (minute == KILL_AT) {
                await().atMost(WAIT).until(() -> early.stream().allMatch(site -> raised.containsKey(site)));
                collectors.get(2).destroyForcibly(); // SIGKILL, mid-stream
                assertThat(collectors.get(2).waitFor(10, TimeUnit.SECONDS)).isTrue();
                await().atMost(WAIT).until(() -> alive.size() == 2); // its Last Will
            }
        }
        await().atMost(WAIT).until(() -> {
            resendOverdue(agents, sites, MINUTES);
            return unconfirmed.values().stream().allMatch(Map::isEmpty);
        });

        for (String site : sites) {
            await().atMost(WAIT).untilAsserted(() -> assertThat(stored(ports[0], site)).as("readings of %s", site)
                    .isEqualTo(MINUTES));
        }
        await().atMost(WAIT).until(() -> raised.keySet().containsAll(sites));
        Thread.sleep(3_000); // a second raising, were there one, would come now
        Map<String, Set<String>> alerts = new TreeMap<>(raised);
        int victimSlot = new HubMembers("region", victim).idSlot();
        for (String site : sites) {
            assertThat(alerts.get(site)).as("the alerts of %s: its soil-dry, raised once", site).hasSize(1);
            String id = alerts.get(site).iterator().next();
            assertThat(cleared).as("the alert of %s stays open", site).doesNotContain(id);
            JsonObject alert = published.get(id);
            int drop = early.contains(site) ? EARLY_DROP : LATE_DROP;
            assertThat(alert.getString("rule")).isEqualTo("soil-dry");
            // The dry spell is judged whole, across the kill: it began at the drop, and held 30 minutes from there.
            assertThat(alert.getLong("since")).as("%s dry since", site).isEqualTo(t0 + drop * 60_000L);
            assertThat(alert.getLong("openedAt")).as("%s raised at", site).isEqualTo(t0 + (drop + 30) * 60_000L);
            boolean byVictim = Long.parseLong(id.substring(1)) % 1000 == victimSlot;
            if (site.equals(early.get(0)) || site.equals(early.get(1))) {
                assertThat(byVictim).as("%s: raised before the kill by its owner, then taken over", site).isTrue();
            } else if (site.equals(late.get(0)) || site.equals(late.get(1))) {
                assertThat(byVictim).as("%s: dry at the kill, raised by the collector that took it over", site)
                        .isFalse();
            }
        }
        // Each survivor's /health says who is alive, and between them they hold every site's alerts.
        JsonObject first = new JsonObject(get(ports[0], "/health")).getJsonObject("hubGroup");
        JsonObject second = new JsonObject(get(ports[1], "/health")).getJsonObject("hubGroup");
        assertThat(first.getJsonArray("members")).containsExactlyInAnyOrder(ids.get(0), ids.get(1));
        assertThat(first.getInteger("sitesHeld") + second.getInteger("sitesHeld")).isEqualTo(sites.size());

        // Any collector of the hub lists every site's alerts, and takes acknowledgements for any of them.
        assertThat(new JsonArray(get(ports[0], "/api/v1/alerts?state=open"))).hasSize(sites.size());
        for (Set<String> ofSite : alerts.values()) {
            HttpResponse<String> ack = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports[0]
                            + "/api/v1/alerts/" + ofSite.iterator().next() + "/ack"))
                    .header("Content-Type", "application/json").header("Origin", "http://127.0.0.1:" + ports[0])
                    .POST(HttpRequest.BodyPublishers.ofString("{\"note\": \"watered\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ack.statusCode()).as(ack.body()).isEqualTo(200);
            assertThat(new JsonObject(ack.body()).getString("state")).isEqualTo("acknowledged");
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(alerts.values().stream()
                .map(ofSite -> published.get(ofSite.iterator().next()))).as("as their holders publish them")
                .allMatch(a -> "acknowledged".equals(a.getString("state")) && "watered".equals(a.getString("note"))));
        witness.disconnect();
        agents.disconnect();
    }

    /** Six sites, two of them owned by {@code victim} while all three are alive. */
    private static List<String> pick(HubMembers view, String victim, int from) {
        List<String> ofVictim = new ArrayList<>();
        List<String> others = new ArrayList<>();
        for (int n = from; ofVictim.size() < 2 || others.size() < 4; n++) {
            String site = "site-" + n;
            if (view.owner(site).equals(victim)) {
                if (ofVictim.size() < 2) {
                    ofVictim.add(site);
                }
            } else if (others.size() < 4) {
                others.add(site);
            }
        }
        ofVictim.addAll(others);
        return ofVictim;
    }

    private final Map<String, Long> seqs = new ConcurrentHashMap<>();
    private final Map<String, Map<Long, byte[]>> sent = new ConcurrentHashMap<>();

    /** One message of one reading: moist (30 %) until {@code drop}, then dry (15 %: soil-dry, not wilting). */
    private void send(MqttClient agents, String site, int minute, int drop) throws Exception {
        long seq = seqs.merge(site, 1L, Long::sum);
        double value = (minute < drop ? 30 : 15) + (minute % 3) * 0.1;
        byte[] payload = ("{\"v\":1,\"device\":\"bed-1\",\"seq\":" + seq + ",\"readings\":[{\"sensor\":\"soil-a\","
                + "\"kind\":\"soil_moisture\",\"t\":" + (t0 + minute * 60_000L) + ",\"value\":" + value + "}]}")
                .getBytes(StandardCharsets.UTF_8);
        sent.computeIfAbsent(site, s -> new ConcurrentHashMap<>()).put(seq, payload);
        unconfirmed.get(site).put(seq, System.nanoTime());
        publish(agents, site, payload);
    }

    /** As an agent does: what is not confirmed within 3 s is sent again. */
    private void resendOverdue(MqttClient agents, List<String> sites, int minute) {
        long now = System.nanoTime();
        for (String site : sites) {
            unconfirmed.get(site).forEach((seq, at) -> {
                if (now - at > 3_000_000_000L) {
                    unconfirmed.get(site).put(seq, now);
                    try {
                        publish(agents, site, sent.get(site).get(seq));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
        }
    }

    private static void publish(MqttClient agents, String site, byte[] payload) throws Exception {
        MqttMessage message = new MqttMessage(payload);
        message.setQos(1);
        agents.publish("steward/v1/" + site + "/bed-1/readings", message);
    }

    private long stored(int port, String site) throws Exception {
        return new JsonObject(get(port, "/api/v1/series?site=" + site + "&device=bed-1&sensor=soil-a&from=0"
                + "&limit=100000")).getJsonArray("t").size();
    }

    private Process start(String name, String... args) throws Exception {
        Process process = StewardProcess.start(tmp, name, args);
        processes.add(process);
        return process;
    }

    private int status(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String get(int port, String path) throws Exception {
        return StewardProcess.get(port, path);
    }
}
