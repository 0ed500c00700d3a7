package coop.steward.collector.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import coop.steward.collector.Collector;
import coop.steward.collector.CollectorSettings;
import coop.steward.collector.ingest.IngestSettings;
import coop.steward.collector.people.Grant;
import coop.steward.collector.people.PeopleStore;
import coop.steward.collector.people.Role;
import coop.steward.testsupport.MosquittoBroker;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A collector that asks for accounts: sign-in, sessions, API tokens, roles per site, refusal of requests from other
 * web sites, the sign-in throttle and the security headers, over real HTTP with a real broker raising a real alert.
 */
class AccessTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;
    private MosquittoBroker broker;
    private Vertx vertx;
    private Collector collector;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        PeopleStore people = PeopleStore.open(tmp.resolve("data"));
        people.add("ann", "ann's long password", List.of(new Grant("food-forest", Role.STEWARD)));
        people.add("vic", "vic's long password", List.of(new Grant("food-forest", Role.VIEWER)));
        people.add("sol", "sol's long password", List.of(new Grant("solar-site", Role.ADMIN)));
        broker = MosquittoBroker.start(tmp.resolve("mosquitto"));
        vertx = Vertx.vertx();
        IngestSettings ingest = new IngestSettings(broker.url(), "collector-under-test", null, null, 1_000, 20_000);
        collector = Collector.start(vertx, new CollectorSettings(ingest, "127.0.0.1", 0, tmp.resolve("data"))
                .withAccounts(true)).await(30, TimeUnit.SECONDS);
        // Subscribed: a reading published from here on reaches it.
        await().atMost(WAIT).until(() -> send(get("/health")).statusCode() == 200);
    }

    @AfterEach
    void stop() throws Exception {
        collector.stop().await(10, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
        broker.close();
    }

    @Test
    void withoutSignIn_theApiAnswers401_whileHealthAndThePageAreServed_withSecurityHeaders() throws Exception {
        HttpResponse<String> devices = send(get("/api/v1/devices"));
        assertThat(devices.statusCode()).isEqualTo(401);
        assertThat(new JsonObject(devices.body()).getString("error")).contains("sign in first");
        assertThat(send(get("/metrics")).statusCode()).isEqualTo(401);
        assertThat(send(get("/health")).statusCode()).isIn(200, 503);

        HttpResponse<String> page = send(get("/"));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("script-src 'self'").contains("frame-ancestors 'none'").doesNotContain("unsafe-inline");
        assertThat(page.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    }

    @Test
    void signingIn_setsAnHttpOnlyStrictCookie_thatNamesThePerson_untilTheySignOut() throws Exception {
        HttpResponse<String> wrong = signIn("ann", "not her password");
        assertThat(wrong.statusCode()).isEqualTo(401);

        HttpResponse<String> right = signIn("ann", "ann's long password");
        assertThat(right.statusCode()).as(right.body()).isEqualTo(200);
        String setCookie = right.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).startsWith(Access.COOKIE + "=").containsIgnoringCase("HttpOnly").contains("SameSite=Strict");
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));

        JsonObject session = new JsonObject(send(get("/api/v1/session").header("Cookie", cookie)).body());
        assertThat(session.getString("name")).isEqualTo("ann");
        assertThat(session.getJsonArray("roles").getJsonObject(0).getString("role")).isEqualTo("steward");
        assertThat(send(get("/api/v1/devices").header("Cookie", cookie)).statusCode()).isEqualTo(200);

        assertThat(send(sameOrigin(HttpRequest.newBuilder(uri("/api/v1/session")).DELETE())
                .header("Cookie", cookie)).statusCode()).isEqualTo(204);
        assertThat(send(get("/api/v1/devices").header("Cookie", cookie)).statusCode()).isEqualTo(401);
    }

    @Test
    void aSignInFromAnotherWebSite_isRefused() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/api/v1/session"))
                .header("Origin", "https://evil.example").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(credentials("ann", "ann's long password"))));
        assertThat(response.statusCode()).isEqualTo(403);
    }

    @Test
    void fiveWrongPasswords_makeEvenTheRightOneWait() throws Exception {
        for (int i = 0; i < SignInThrottle.MAX_FAILURES; i++) {
            assertThat(signIn("vic", "guess " + i).statusCode()).isEqualTo(401);
        }
        HttpResponse<String> throttled = signIn("vic", "vic's long password");
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("Retry-After")).isPresent();
        assertThat(new JsonObject(throttled.body()).getString("error")).contains("try again in 15 minutes");
    }

    @Test
    void wrongPasswordsSentAllAtOnce_areCountedAsTheyArrive_notAsTheyAreChecked() throws Exception {
        List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> attempts = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            attempts.add(http.sendAsync(sameOrigin(HttpRequest.newBuilder(uri("/api/v1/session")))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(credentials("vic", "guess " + i))).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        long checked = 0;
        for (var attempt : attempts) {
            if (attempt.get(60, TimeUnit.SECONDS).statusCode() == 401) {
                checked++;
            }
        }
        assertThat(checked).as("passwords actually tried").isLessThanOrEqualTo(SignInThrottle.MAX_FAILURES);
    }

    @Test
    void aViewerCannotAcknowledge_aStewardCan_andNeverFromAnotherWebSite() throws Exception {
        publishImplausibleSoilMoisture();
        String ann = cookie("ann", "ann's long password");
        String vic = cookie("vic", "vic's long password");
        await().atMost(WAIT).until(() -> !alerts(ann).isEmpty());
        String id = alerts(ann).getJsonObject(0).getString("id");

        assertThat(acknowledge(id, vic, true).statusCode()).isEqualTo(403);
        HttpResponse<String> forged = acknowledge(id, ann, false);
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(new JsonObject(forged.body()).getString("error")).contains("another web site");
        assertThat(alerts(ann).getJsonObject(0).getString("state")).isEqualTo("open");

        HttpResponse<String> done = acknowledge(id, ann, true);
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        assertThat(new JsonObject(done.body()).getString("state")).isEqualTo("acknowledged");
        assertThat(new JsonObject(done.body()).getString("acknowledgedBy")).as("who, for the alert's history")
                .isEqualTo("ann");
    }

    @Test
    void listsShowOnlyTheSitesAPersonHasARoleAt_andDeviceHealthOnlyToInstallers() throws Exception {
        publishImplausibleSoilMoisture();
        String vic = cookie("vic", "vic's long password");
        String sol = cookie("sol", "sol's long password");
        await().atMost(WAIT).until(() -> !alerts(vic).isEmpty());

        JsonArray vicsDevices = new JsonArray(send(get("/api/v1/devices").header("Cookie", vic)).body());
        assertThat(vicsDevices).isNotEmpty().allSatisfy(d -> {
            assertThat(((JsonObject) d).getString("site")).isEqualTo("food-forest");
            assertThat(((JsonObject) d).containsKey("health")).as("a viewer sees no device health").isFalse();
        });
        assertThat(new JsonArray(send(get("/api/v1/devices").header("Cookie", sol)).body())).as("another site's")
                .isEmpty();
        assertThat(alerts(sol)).isEmpty();
        String id = alerts(vic).getJsonObject(0).getString("id");
        assertThat(send(get("/api/v1/alerts/" + id).header("Cookie", vic)).statusCode()).isEqualTo(200);
        assertThat(send(get("/api/v1/alerts/" + id).header("Cookie", sol)).statusCode())
                .as("another site's alert history").isEqualTo(403);
        assertThat(send(get("/api/v1/rejected").header("Cookie", vic)).statusCode()).isEqualTo(403);
    }

    @Test
    void theEventStream_carriesOnlyTheSitesAPersonHasARoleAt() throws Exception {
        String vic = cookie("vic", "vic's long password");
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        http.sendAsync(get("/api/v1/stream").header("Cookie", vic).build(), HttpResponse.BodyHandlers.ofLines())
                .thenAccept(response -> {
                    try {
                        response.body().forEach(lines::add);
                    } catch (RuntimeException e) {
                        // the collector stopped: the stream ends
                    }
                });
        await().atMost(WAIT).until(() -> lines.contains(": connected"));

        publishSoilMoisture("solar-site", "array-9", 30);
        publishSoilMoisture("food-forest", "bed-7", 30);

        await().atMost(WAIT).until(() -> lines.stream().anyMatch(l -> l.contains("\"bed-7\"")));
        assertThat(lines).noneMatch(l -> l.contains("solar-site"));
    }

    @Test
    void anApiToken_readsAsItsPerson_onlyTheSitesTheyMaySee() throws Exception {
        String token = PeopleStore.open(tmp.resolve("data")).newToken("sol", "grafana");
        String series = "/api/v1/series?site=solar-site&device=array-1&sensor=power&from=0&to=1";

        assertThat(send(get(series).header("Authorization", "Bearer " + token)).statusCode()).isEqualTo(200);
        assertThat(send(get(series.replace("solar-site", "food-forest")).header("Authorization", "Bearer " + token))
                .statusCode()).isEqualTo(403);
        assertThat(send(get(series).header("Authorization", "Bearer stw_not-a-token")).statusCode()).isEqualTo(401);
    }

    private void publishSoilMoisture(String site, String device, double value) throws Exception {
        Process pub = new ProcessBuilder("mosquitto_pub", "-h", "127.0.0.1", "-p", Integer.toString(broker.port()),
                "-q", "1", "-t", "steward/v1/" + site + "/" + device + "/readings", "-m", "{\"v\": 1, \"device\": \""
                + device + "\", \"seq\": 1, \"readings\": [{\"sensor\": \"soil-a\", \"kind\": \"soil_moisture\", "
                + "\"t\": " + System.currentTimeMillis() + ", \"value\": " + value + "}]}").start();
        assertThat(pub.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }

    private void publishImplausibleSoilMoisture() throws Exception {
        Process pub = new ProcessBuilder("mosquitto_pub", "-h", "127.0.0.1", "-p", Integer.toString(broker.port()),
                "-q", "1", "-t", "steward/v1/food-forest/bed-3/readings", "-m", "{\"v\": 1, \"device\": \"bed-3\", "
                + "\"seq\": 1, \"readings\": [{\"sensor\": \"soil-a\", \"kind\": \"soil_moisture\", \"t\": "
                + System.currentTimeMillis() + ", \"value\": 75}]}").redirectErrorStream(true).start();
        assertThat(pub.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(pub.exitValue()).as(new String(pub.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isZero();
    }

    private JsonArray alerts(String cookie) throws Exception {
        return new JsonArray(send(get("/api/v1/alerts?state=active").header("Cookie", cookie)).body());
    }

    private HttpResponse<String> acknowledge(String id, String cookie, boolean fromTheDashboard) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri("/api/v1/alerts/" + id + "/ack"))
                .header("Cookie", cookie).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"));
        return send(fromTheDashboard ? sameOrigin(request) : request.header("Origin", "https://evil.example"));
    }

    private String cookie(String name, String password) throws Exception {
        HttpResponse<String> response = signIn(name, password);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String setCookie = response.headers().firstValue("Set-Cookie").orElseThrow();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    private HttpResponse<String> signIn(String name, String password) throws Exception {
        return send(sameOrigin(HttpRequest.newBuilder(uri("/api/v1/session")))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(credentials(name, password))));
    }

    private static String credentials(String name, String password) {
        return new JsonObject().put("name", name).put("password", password).encode();
    }

    private HttpRequest.Builder sameOrigin(HttpRequest.Builder request) {
        return request.header("Origin", "http://127.0.0.1:" + collector.httpPort());
    }

    private HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(uri(path)).GET();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + collector.httpPort() + path);
    }
}
