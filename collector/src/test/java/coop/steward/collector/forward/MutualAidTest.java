package coop.steward.collector.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import coop.steward.collector.Collector;
import coop.steward.collector.config.Severity;
import coop.steward.collector.people.Grant;
import coop.steward.collector.people.NotifyChoice;
import coop.steward.collector.people.Role;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two sites of one hub, each with its own real Mosquitto and collector, talking over the hub's real Mosquitto: the
 * hill asks its neighbours for help with alerts nobody at home answers, and the valley offers help. The hill's
 * escalation time is 2 seconds; the valley's steward hears of requests by webhook.
 */
class MutualAidTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String HILL = """
            sites:
              - {id: hill, zone: Europe/Lisbon, where: "Hill Street allotments; the tap is by the north gate"}
            help: {ask: true}
            alerts:
              rules:
                - {id: bed-dry, type: threshold, kind: soil_moisture, below: 20, hysteresis: 2}
            """;
    private static final String VALLEY = """
            sites:
              - {id: valley, zone: Europe/Lisbon}
            help: {offer: true}
            """;

    @TempDir
    Path tmp;
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<JsonObject> hooks = new CopyOnWriteArrayList<>();
    private final Map<String, String> titles = new ConcurrentHashMap<>();
    private HttpServer webhook;
    private HubAndSite rig;
    private HubAndSite.Site hillSite;
    private HubAndSite.Site valleySite;
    private Collector hill;
    private Collector valley;
    private MqttClient hillAgent;
    private long seq;

    @BeforeEach
    void startTwoSites() throws Exception {
        webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.createContext("/ann", exchange -> {
            JsonObject body = new JsonObject(new String(exchange.getRequestBody().readAllBytes(),
                    StandardCharsets.UTF_8));
            titles.put(body.getString("alert", ""), exchange.getRequestHeaders().getFirst("Title"));
            hooks.add(body);
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        webhook.start();
        rig = HubAndSite.start(tmp, null, null);
        hillSite = rig.startSite(tmp, "hill", HILL, people -> {
            people.add("bob", "bob's long password", List.of(new Grant("hill", Role.STEWARD)));
            people.setEscalateAfter("hill", Duration.ofSeconds(2));
        });
        hill = hillSite.collector;
        valleySite = rig.startSite(tmp, "valley", VALLEY, people -> {
            people.add("ann", "ann's long password", List.of(new Grant("valley", Role.STEWARD)));
            people.add("vic", "vic's long password", List.of(new Grant("valley", Role.VIEWER)));
            people.setChoice("ann", new NotifyChoice(List.of("valley"), Severity.WARNING, null, null,
                    ZoneId.of("Europe/Lisbon"), null, "http://127.0.0.1:" + webhook.getAddress().getPort() + "/ann",
                    10));
        });
        valley = valleySite.collector;
        hillAgent = rig.client(hillSite.broker, "hill-agent");
    }

    @AfterEach
    void stopEverything() throws Exception {
        if (rig != null) {
            rig.close();
        }
        webhook.stop(0);
    }

    @Test
    void anAlertNobodyAtHomeAnswers_isOfferedToTheNeighbours_andTheSiteSeesWhoTookIt_untilItResolves()
            throws Exception {
        moisture("bed-3", 12);
        String id = await().atMost(WAIT).until(() -> open(hill, "bob"), list -> list.size() == 1)
                .getJsonObject(0).getString("id");

        // Nobody at the hill answers within its 2 s: the valley's steward hears of it, with what she needs to act.
        await().atMost(WAIT).until(() -> !hooks.isEmpty());
        JsonObject told = hooks.get(0);
        assertThat(titles.get(id)).isEqualTo("[Steward] hill asks for help: bed-dry at hill/bed-3/moisture");
        assertThat(told.getString("place")).isEqualTo("Hill Street allotments; the tap is by the north gate");
        assertThat(told.getString("text")).contains("Nobody at hill answered").contains("moisture")
                .contains("How to find it: Hill Street allotments");
        assertThat(told.getLong("since")).isEqualTo(told.getLong("openedAt")).isPositive();
        JsonObject offered = aid(valley, "vic").getJsonArray("offered").getJsonObject(0);
        assertThat(offered.getString("site")).isEqualTo("hill");
        assertThat(offered.getString("alert")).isEqualTo(id);
        assertThat(offered.getValue("taken")).as("nobody took it yet").isNull();
        assertThat(history(hill, id)).contains("asked neighbours");

        // A viewer may see it but not take it; the steward takes it.
        assertThat(take(valley, "vic", "hill", id).statusCode()).isEqualTo(403);
        HttpResponse<String> took = take(valley, "ann", "hill", id);
        assertThat(took.statusCode()).as(took.body()).isEqualTo(200);

        JsonObject acknowledged = await().atMost(WAIT).until(() -> alert(hill, id),
                a -> "acknowledged".equals(a.getString("state")));
        assertThat(acknowledged.getString("acknowledgedBy")).isEqualTo("ann of valley");
        JsonObject asked = aid(hill, "bob").getJsonArray("asked").getJsonObject(0);
        assertThat(asked.getJsonObject("taken").getString("person")).isEqualTo("ann");
        assertThat(asked.getJsonObject("taken").getString("site")).isEqualTo("valley");
        await().atMost(WAIT).until(() -> aid(valley, "ann").getJsonArray("offered").getJsonObject(0)
                .getJsonObject("taken") != null);
        assertThat(take(valley, "ann", "hill", id).statusCode()).as("taking it again changes nothing")
                .isEqualTo(200);

        // Watered: the alert resolves, the request is withdrawn at the hub, and the valley no longer lists it.
        moisture("bed-3", 35);
        await().atMost(WAIT).until(() -> aid(valley, "ann").getJsonArray("offered").isEmpty());
        assertThat(aid(hill, "bob").getJsonArray("asked")).isEmpty();
        assertThat(retainedAtHub("steward/v1/hill/alerts/+/aid/#")).as("no request or answer left retained")
                .isEmpty();
        assertThat(hooks).hasSize(1);
    }

    @Test
    void anAlertAcknowledgedAtHome_isNeverOffered_andOneLeftUnansweredIs() throws Exception {
        moisture("bed-1", 12);
        String answered = await().atMost(WAIT).until(() -> open(hill, "bob"), list -> list.size() == 1)
                .getJsonObject(0).getString("id");
        HttpResponse<String> ack = send(hill, "bob", "POST", "/api/v1/alerts/" + answered + "/ack", "");
        assertThat(ack.statusCode()).as(ack.body()).isEqualTo(200);
        moisture("bed-2", 12);

        await().atMost(WAIT).until(() -> aid(valley, "ann").getJsonArray("offered").size() == 1);
        // bed-2 was raised after bed-1 and waited as long: had bed-1 been offered, it would be listed by now.
        Thread.sleep(1_000);
        JsonArray offered = aid(valley, "ann").getJsonArray("offered");
        assertThat(offered).hasSize(1);
        assertThat(offered.getJsonObject(0).getString("device")).isEqualTo("bed-2");
        assertThat(history(hill, answered)).doesNotContain("asked neighbours");
    }

    @Test
    void bothSitesRestarting_loseNeitherTheRequestNorWhoTookIt_andAHelperAwayClearsItsAnswerWhenBack()
            throws Exception {
        moisture("bed-4", 12);
        String id = await().atMost(WAIT).until(() -> open(hill, "bob"), list -> list.size() == 1)
                .getJsonObject(0).getString("id");
        await().atMost(WAIT).until(() -> aid(valley, "ann").getJsonArray("offered").size() == 1);

        // The hill restarts after asking: it hears its own request back from the hub's broker.
        hill = hillSite.restart();
        cookies.clear();
        await().atMost(WAIT).until(() -> aid(hill, "bob").getJsonArray("asked").size() == 1);
        assertThat(ok(take(valley, "ann", "hill", id))).contains("\"tookAs\":\"valley\"");
        assertThat(await().atMost(WAIT).until(() -> alert(hill, id),
                a -> "acknowledged".equals(a.getString("state"))).getString("acknowledgedBy"))
                .isEqualTo("ann of valley");

        // The valley restarts after taking it: it still knows it took it, and clears its answer when it ends.
        valley = valleySite.restart();
        cookies.clear();
        await().atMost(WAIT).until(() -> {
            JsonArray offered = aid(valley, "ann").getJsonArray("offered");
            return offered.size() == 1 && "valley".equals(offered.getJsonObject(0).getString("tookAs"));
        });
        // The valley is away when the alert resolves: back, it finds its answer to a withdrawn request and clears it.
        valleySite.stop();
        moisture("bed-4", 35);
        await().atMost(WAIT).until(() -> aid(hill, "bob").getJsonArray("asked").isEmpty());
        assertThat(retainedAtHub("steward/v1/hill/alerts/+/aid/#")).as("the valley's answer, while it is away")
                .containsExactly("steward/v1/hill/alerts/" + id + "/aid/valley");
        valley = valleySite.start();
        cookies.clear();
        await().atMost(WAIT).until(() -> retainedAtHub("steward/v1/hill/alerts/+/aid/#").isEmpty());
        assertThat(aid(valley, "ann").getJsonArray("offered")).isEmpty();
    }

    @Test
    void aNeighboursRequest_cannotBeTakenAtASiteThatAsksButDoesNotOffer_norUnknownOnes() throws Exception {
        HttpResponse<String> none = take(valley, "ann", "hill", "12345");
        assertThat(none.statusCode()).isEqualTo(404);
        assertThat(new JsonObject(none.body()).getString("error")).contains("no neighbour asks for help");
        HttpResponse<String> bad = take(valley, "ann", "Hill%20Top", "1");
        assertThat(bad.statusCode()).as("a malformed site id").isEqualTo(400);
        assertThat(aid(hill, "bob").getJsonArray("offered")).as("the hill only asks").isEmpty();
    }

    private void moisture(String device, double value) throws Exception {
        MqttMessage message = new MqttMessage(("{\"v\":1,\"device\":\"" + device + "\",\"seq\":" + seq++
                + ",\"readings\":[{\"sensor\":\"moisture\",\"kind\":\"soil_moisture\",\"t\":"
                + System.currentTimeMillis() + ",\"value\":" + value + "}]}").getBytes(StandardCharsets.UTF_8));
        message.setQos(1);
        hillAgent.publish("steward/v1/hill/" + device + "/readings", message);
    }

    private List<String> retainedAtHub(String filter) throws Exception {
        List<String> topics = new CopyOnWriteArrayList<>();
        MqttClient watcher = new MqttClient(rig.hubBroker.url(), "watcher-" + System.nanoTime(),
                new MemoryPersistence());
        try {
            watcher.connect();
            watcher.subscribe(filter, 1, (topic, message) -> {
                if (message.getPayload().length > 0) {
                    topics.add(topic);
                }
            });
            Thread.sleep(500); // retained messages come at once on subscribing
        } finally {
            // Not disconnect(): it may wait its 30 s quiesce for the acknowledgements of what arrived.
            watcher.disconnectForcibly(0, 1_000);
            watcher.close();
        }
        return topics;
    }

    private JsonArray open(Collector collector, String person) throws Exception {
        return new JsonArray(ok(send(collector, person, "GET", "/api/v1/alerts?state=open", null)));
    }

    private JsonObject alert(Collector collector, String id) throws Exception {
        return new JsonObject(ok(send(collector, "bob", "GET", "/api/v1/alerts/" + id, null)));
    }

    private String history(Collector collector, String id) throws Exception {
        return alert(collector, id).getJsonArray("history").encode();
    }

    private JsonObject aid(Collector collector, String person) throws Exception {
        return new JsonObject(ok(send(collector, person, "GET", "/api/v1/aid", null)));
    }

    private HttpResponse<String> take(Collector collector, String person, String site, String id) throws Exception {
        return send(collector, person, "POST", "/api/v1/aid/" + site + "/" + id + "/take", "");
    }

    private static String ok(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    private final Map<String, String> cookies = new ConcurrentHashMap<>();

    private HttpResponse<String> send(Collector collector, String person, String method, String path, String body)
            throws Exception {
        String origin = "http://127.0.0.1:" + collector.httpPort();
        String cookie = cookies.computeIfAbsent(collector.httpPort() + person, k -> signIn(origin, person));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(origin + path)).header("Cookie", cookie)
                .timeout(Duration.ofSeconds(20)).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (!method.equals("GET")) {
            request.header("Origin", origin).header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String signIn(String origin, String person) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(origin + "/api/v1/session"))
                    .header("Origin", origin).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("name", person)
                            .put("password", person + "'s long password").encode())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            String setCookie = response.headers().firstValue("Set-Cookie").orElseThrow();
            return setCookie.substring(0, setCookie.indexOf(';'));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
