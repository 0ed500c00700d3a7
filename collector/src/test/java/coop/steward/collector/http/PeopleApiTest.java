package coop.steward.collector.http;

import static org.assertj.core.api.Assertions.assertThat;

import coop.steward.collector.config.Severity;
import coop.steward.collector.people.Grant;
import coop.steward.collector.people.NotifyChoice;
import coop.steward.collector.people.PeopleStore;
import coop.steward.collector.people.Role;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The API behind the My alerts, Rota and People pages, on a collector that asks for accounts: who may read and change
 * what, the store holding what was sent, and a 400 with a sentence for anything a person could mistype.
 */
class PeopleApiTest {
    private static final String SITES = """
            sites:
              - id: food-forest
                zone: Europe/Berlin
            """;

    @TempDir
    Path tmp;
    private PeopleStore people;
    private ApiServer api;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        people = PeopleStore.open(tmp);
        people.add("rhea", "rhea's long password", List.of(new Grant(Grant.EVERY_SITE, Role.ADMIN)));
        people.add("ann", "ann's long password", List.of(new Grant("food-forest", Role.STEWARD)));
        people.add("vic", "vic's long password", List.of(new Grant("food-forest", Role.VIEWER)));
        people.add("sol", "sol's long password", List.of(new Grant("solar-site", Role.ADMIN)));
        people.add("sam", "sam's long password", List.of(new Grant("solar-site", Role.STEWARD)));
        api = ApiServer.start(tmp, SITES, Clock.systemUTC(), true);
    }

    @AfterEach
    void stop() throws Exception {
        api.close();
    }

    @Test
    void aPersonSetsTheirOwnChoice_andTheStoreHoldsWhatTheyRead() throws Exception {
        String ann = signIn("ann");
        JsonObject before = json(send("GET", "/api/v1/me/notify", ann, null), 200);
        assertThat(before.getBoolean("chosen")).isFalse();

        JsonObject sent = new JsonObject().put("sites", new JsonArray().add("food-forest"))
                .put("minSeverity", "warning").put("quietFrom", "22:00").put("quietTo", "07:00")
                .put("zone", "Europe/Berlin").put("email", "ann@example.org")
                .put("webhook", "https://ntfy.sh/our-garden-ann").put("perHour", 5);
        JsonObject answer = json(send("PUT", "/api/v1/me/notify", ann, sent.encode()), 200);

        assertThat(people.choice("ann")).contains(new NotifyChoice(List.of("food-forest"), Severity.WARNING,
                LocalTime.of(22, 0), LocalTime.of(7, 0), ZoneId.of("Europe/Berlin"), "ann@example.org",
                "https://ntfy.sh/our-garden-ann", 5));
        assertThat(people.choice("vic")).as("nobody else's").isEmpty();
        JsonObject after = json(send("GET", "/api/v1/me/notify", ann, null), 200);
        assertThat(after).isEqualTo(answer);
        assertThat(after.getBoolean("chosen")).isTrue();
        assertThat(after.getString("quietFrom")).isEqualTo("22:00");
        assertThat(after.getInteger("perHour")).isEqualTo(5);

        json(send("PUT", "/api/v1/me/notify", ann, new JsonObject().put("minSeverity", "critical")
                .put("zone", "UTC").put("email", "").encode()), 200);
        assertThat(people.choice("ann").orElseThrow()).satisfies(choice -> {
            assertThat(choice.email()).as("an emptied field is none").isNull();
            assertThat(choice.quietFrom()).isNull();
            assertThat(choice.minSeverity()).isEqualTo(Severity.CRITICAL);
        });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "a zone that is none | {'minSeverity': 'warning', 'zone': 'Mars/Olympus'} | is not a time zone",
        "a time past midnight | {'minSeverity': 'warning', 'zone': 'UTC', 'quietFrom': '25:00', 'quietTo': '07:00'} | is not a time of day as HH:MM",
        "a time without its minutes | {'minSeverity': 'warning', 'zone': 'UTC', 'quietFrom': '22', 'quietTo': '07:00'} | is not a time of day as HH:MM",
        "only a start of quiet hours | {'minSeverity': 'warning', 'zone': 'UTC', 'quietFrom': '22:00'} | need a start and an end",
        "a webhook that is no web address | {'minSeverity': 'warning', 'zone': 'UTC', 'webhook': 'ftp://example.org/x'} | must be an http:// or https:// URL",
        "a script for a webhook | {'minSeverity': 'warning', 'zone': 'UTC', 'webhook': 'javascript:alert(1)'} | must be an http:// or https:// URL",
        "an unknown severity | {'minSeverity': 'urgent', 'zone': 'UTC'} | is not one of info, warning, critical",
        "no severity | {'zone': 'UTC'} | minSeverity is required",
        "an e-mail address that is none | {'minSeverity': 'warning', 'zone': 'UTC', 'email': 'ann at home'} | is not an e-mail address",
        "an hourly allowance of none | {'minSeverity': 'warning', 'zone': 'UTC', 'perHour': 0} | perHour must be a whole number from 1",
        "an hourly allowance in words | {'minSeverity': 'warning', 'zone': 'UTC', 'perHour': 'ten'} | perHour must be a whole number",
        "a site of someone else's | {'minSeverity': 'warning', 'zone': 'UTC', 'sites': ['solar-site']} | you have no role at site 'solar-site'",
        "a misspelt field | {'minSeverity': 'warning', 'zone': 'UTC', 'quiet_from': '22:00'} | there is no field 'quiet_from'",
        "a list for a text | {'minSeverity': ['warning'], 'zone': 'UTC'} | minSeverity must be text",
        "not JSON at all | minSeverity=warning | send a JSON object",
        "a JSON list | ['warning'] | send a JSON object",
    })
    void aMistypedChoice_isRefusedWithASentence_andNothingIsKept(String what, String body, String sentence)
            throws Exception {
        HttpResponse<String> response = send("PUT", "/api/v1/me/notify", signIn("ann"), body.replace('\'', '"'));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(new JsonObject(response.body()).getString("error")).contains(sentence);
        assertThat(people.choice("ann")).isEmpty();
    }

    /** Bodies a script or a broken client might send to any of the pages' changes: a 4xx with a sentence, no 500. */
    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "{", "[1, 2]", "42", "\"text\"", "null", "{\"name\": {\"a\": 1}}",
            "{\"role\": [1]}", "{\"days\": true}", "{\"name\": \"\\ud800\"}", "{\"role\": \"x\"} trailing",
            "{\"roles\": [null]}", "{\"roles\": [{\"site\": 7}]}", "{\"afterSeconds\": 1e400}",
            "{\"afterSeconds\": 99999999999999999999}", "{\"perHour\": 2.5}", "{\"sites\": [null]}"})
    void aBodyThatIsNoneOfOurs_answers4xxWithASentence(String body) throws Exception {
        String rhea = signIn("rhea");
        String deep = "{\"name\": " + "[".repeat(5_000) + "]".repeat(5_000) + "}";
        for (String[] request : List.of(new String[] {"PUT", "/api/v1/me/notify"},
                new String[] {"POST", "/api/v1/sites/food-forest/rota"},
                new String[] {"PUT", "/api/v1/sites/food-forest/escalation"},
                new String[] {"POST", "/api/v1/people"}, new String[] {"PUT", "/api/v1/people/vic/roles/food-forest"})) {
            for (String sent : List.of(body, deep)) {
                HttpResponse<String> response = send(request[0], request[1], rhea, sent);
                assertThat(response.statusCode()).as(request[1] + " " + response.body()).isBetween(400, 499);
                assertThat(new JsonObject(response.body()).getString("error")).isNotBlank();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/v1/sites/%C0%AF/rota", "/api/v1/sites/%E2%80%AE/rota", "/api/v1/sites/x/rota/1e3",
            "/api/v1/sites/food-forest/rota/99999999999999999999", "/api/v1/people/%00/roles/food-forest",
            "/api/v1/people/vic/roles/%2A%2A", "/api/v1/people/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
    void aPathThatIsNoneOfOurs_answers4xxWithASentence(String path) throws Exception {
        String rhea = signIn("rhea");
        for (String method : List.of("GET", "DELETE", "PUT", "POST")) {
            HttpResponse<String> response = send(method, path, rhea, "{\"role\": \"viewer\"}");
            assertThat(response.statusCode()).as(method + " " + path + " " + response.body()).isBetween(400, 499);
            assertThat(new JsonObject(response.body()).getString("error")).isNotBlank();
        }
    }

    @Test
    void oversizedFields_areRefusedWithASentence_notStored() throws Exception {
        String ann = signIn("ann");
        Map<String, String> tooLong = Map.of("email", "a".repeat(300) + "@example.org",
                "webhook", "https://example.org/" + "a".repeat(3000), "zone", "Europe/" + "A".repeat(100));
        for (Map.Entry<String, String> field : tooLong.entrySet()) {
            JsonObject body = new JsonObject().put("minSeverity", "warning").put("zone", "UTC")
                    .put(field.getKey(), field.getValue());
            HttpResponse<String> response = send("PUT", "/api/v1/me/notify", ann, body.encode());
            assertThat(response.statusCode()).as(field.getKey()).isEqualTo(400);
            assertThat(new JsonObject(response.body()).getString("error")).as("the value is cut in the sentence")
                    .hasSizeLessThan(400);
        }
        HttpResponse<String> name = send("POST", "/api/v1/people", signIn("rhea"), new JsonObject()
                .put("name", "n".repeat(65)).put("password", "a long enough password")
                .put("roles", new JsonArray().add(new JsonObject().put("site", "food-forest").put("role", "viewer")))
                .encode());
        assertThat(name.statusCode()).isEqualTo(400);
        assertThat(send("PUT", "/api/v1/me/notify", ann, "{\"email\": \"" + "a".repeat(20_000) + "\"}")
                .statusCode()).as("a body over the API's 16 KiB").isEqualTo(413);
        assertThat(people.choice("ann")).isEmpty();
    }

    @Test
    void aViewer_readsTheRota_butCannotChangeItOrPeople() throws Exception {
        String vic = signIn("vic");
        JsonObject rota = json(send("GET", "/api/v1/sites/food-forest/rota", vic, null), 200);
        assertThat(rota.containsKey("stewards")).as("only admins are offered whom to put on duty").isFalse();

        assertThat(refusal(send("POST", "/api/v1/sites/food-forest/rota", vic, "{\"name\": \"ann\"}"), 403))
                .contains("only an admin of food-forest");
        assertThat(send("DELETE", "/api/v1/sites/food-forest/rota/1", vic, null).statusCode()).isEqualTo(403);
        assertThat(send("PUT", "/api/v1/sites/food-forest/escalation", vic, "{\"afterSeconds\": 60}")
                .statusCode()).isEqualTo(403);
        assertThat(refusal(send("GET", "/api/v1/people", vic, null), 403)).contains("only admins");
        assertThat(send("PUT", "/api/v1/people/vic/roles/food-forest", vic, "{\"role\": \"admin\"}").statusCode())
                .isEqualTo(403);
        assertThat(send("POST", "/api/v1/people", vic, newPerson("eve", "food-forest", "admin")).statusCode())
                .isEqualTo(403);
        assertThat(send("GET", "/api/v1/sites/solar-site/rota", vic, null).statusCode()).as("another site's")
                .isEqualTo(403);
        assertThat(people.person("vic").orElseThrow().grants()).containsExactly(new Grant("food-forest", Role.VIEWER));
    }

    @Test
    void aSiteAdmin_managesRolesAtTheirSiteOnly_neverAtEverySite_andAddsNoOne() throws Exception {
        String sol = signIn("sol");
        json(send("PUT", "/api/v1/people/vic/roles/solar-site", sol, "{\"role\": \"steward\"}"), 200);
        assertThat(people.person("vic").orElseThrow().may(Role.STEWARD, "solar-site")).isTrue();

        assertThat(refusal(send("PUT", "/api/v1/people/vic/roles/food-forest", sol, "{\"role\": \"admin\"}"), 403))
                .contains("only an admin of food-forest");
        assertThat(refusal(send("PUT", "/api/v1/people/sol/roles/*", sol, "{\"role\": \"admin\"}"), 403))
                .contains("only an admin of every site");
        assertThat(send("DELETE", "/api/v1/people/vic/roles/food-forest", sol, null).statusCode()).isEqualTo(403);
        assertThat(send("POST", "/api/v1/people", sol, newPerson("eve", "solar-site", "viewer")).statusCode())
                .isEqualTo(403);
        assertThat(send("DELETE", "/api/v1/people/sam", sol, null).statusCode()).isEqualTo(403);
        assertThat(people.person("sol").orElseThrow().grants()).containsExactly(new Grant("solar-site", Role.ADMIN));
        assertThat(people.person("vic").orElseThrow().may(Role.ADMIN, "food-forest")).isFalse();

        JsonArray seen = new JsonArray(send("GET", "/api/v1/people", sol, null).body());
        assertThat(seen.stream().map(p -> ((JsonObject) p).getString("name")))
                .as("people with a role at solar-site, or at every site").containsExactly("rhea", "sam", "sol", "vic");
        JsonObject vic = seen.stream().map(JsonObject.class::cast).filter(p -> p.getString("name").equals("vic"))
                .findFirst().orElseThrow();
        assertThat(vic.getJsonArray("roles")).as("not her roles at sites sol does not look after").containsExactly(
                new JsonObject().put("site", "solar-site").put("role", "steward"));

        json(send("DELETE", "/api/v1/people/vic/roles/solar-site", sol, null), 200);
        assertThat(people.person("vic").orElseThrow().grants()).containsExactly(new Grant("food-forest", Role.VIEWER));
    }

    @Test
    void anAdminOfEverySite_addsAndRemovesPeople_butNeverTheLastAdminOfEverySite() throws Exception {
        String rhea = signIn("rhea");
        assertThat(refusal(send("DELETE", "/api/v1/people/rhea", rhea, null), 409)).contains("last admin of every site");
        assertThat(refusal(send("PUT", "/api/v1/people/rhea/roles/*", rhea, "{\"role\": \"viewer\"}"), 409))
                .contains("last admin of every site");
        assertThat(send("DELETE", "/api/v1/people/rhea/roles/*", rhea, null).statusCode()).isEqualTo(409);
        assertThat(people.person("rhea").orElseThrow().grants()).containsExactly(
                new Grant(Grant.EVERY_SITE, Role.ADMIN));

        HttpResponse<String> added = send("POST", "/api/v1/people", rhea, newPerson("bea", "*", "admin"));
        assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
        assertThat(people.signIn("bea", "bea's long password")).isPresent();
        assertThat(refusal(send("POST", "/api/v1/people", rhea, newPerson("bea", "food-forest", "viewer")), 409))
                .contains("already someone called bea");

        assertThat(send("DELETE", "/api/v1/people/rhea", rhea, null).statusCode()).isEqualTo(204);
        assertThat(people.person("rhea")).isEmpty();
        assertThat(send("DELETE", "/api/v1/people/bea", signIn("bea"), null).statusCode()).as("now the last")
                .isEqualTo(409);
    }

    @Test
    void anAdminAddsAShift_forAStewardOnly_andTheRotaSaysWhoIsOnDuty() throws Exception {
        String rhea = signIn("rhea");
        assertThat(refusal(send("POST", "/api/v1/sites/food-forest/rota", rhea, "{\"name\": \"vic\"}"), 400))
                .contains("vic is not a steward at food-forest");
        assertThat(refusal(send("POST", "/api/v1/sites/food-forest/rota", rhea,
                "{\"name\": \"ann\", \"days\": [\"someday\"]}"), 400)).contains("'someday' is not a day");
        assertThat(refusal(send("POST", "/api/v1/sites/food-forest/rota", rhea,
                "{\"name\": \"ann\", \"start\": \"7am\"}"), 400)).contains("is not a time of day as HH:MM");

        JsonObject rota = json(send("POST", "/api/v1/sites/food-forest/rota", rhea,
                "{\"name\": \"ann\", \"days\": [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\", \"sat\", \"sun\"]}"), 201);
        JsonObject shift = rota.getJsonArray("shifts").getJsonObject(0);
        assertThat(shift.getString("zone")).as("the site's zone, when none is given").isEqualTo("Europe/Berlin");
        assertThat(shift.getBoolean("onDuty")).isTrue();
        assertThat(rota.getJsonArray("onDuty")).containsExactly("ann");
        assertThat(rota.getJsonArray("stewards")).contains("ann").doesNotContain("vic");
        assertThat(json(send("GET", "/api/v1/sites/food-forest/rota", signIn("vic"), null), 200)
                .getJsonArray("onDuty")).containsExactly("ann");

        assertThat(json(send("PUT", "/api/v1/sites/food-forest/escalation", rhea, "{\"afterSeconds\": 600}"), 200)
                .getJsonObject("escalation").getLong("afterSeconds")).isEqualTo(600);
        assertThat(people.escalateAfter("food-forest")).isEqualTo(Duration.ofMinutes(10));
        assertThat(refusal(send("PUT", "/api/v1/sites/food-forest/escalation", rhea, "{\"afterSeconds\": 5}"), 400))
                .contains("from 1 minute to 24 hours");

        json(send("PUT", "/api/v1/people/ann/roles/food-forest", rhea, "{\"role\": \"viewer\"}"), 200);
        assertThat(people.shifts("food-forest")).as("no longer a steward: off the rota").isEmpty();
        assertThat(send("DELETE", "/api/v1/sites/food-forest/rota/1", rhea, null).statusCode()).isEqualTo(404);
    }

    @Test
    void namesOutsideTheRule_nonAsciiToo_areRefusedWithASentence() throws Exception {
        String rhea = signIn("rhea");
        assertThat(refusal(send("POST", "/api/v1/people", rhea, newPerson("änne", "food-forest", "viewer")), 400))
                .contains("a name is 1 to 64 characters of a-z");
        assertThat(refusal(send("PUT", "/api/v1/people/%C3%A4nne/roles/food-forest", rhea, "{\"role\": \"viewer\"}"),
                400)).contains("a name is 1 to 64 characters of a-z");
        assertThat(refusal(send("POST", "/api/v1/people", rhea, new JsonObject().put("name", "eve")
                .put("password", "short").put("roles", new JsonArray().add(new JsonObject().put("site", "food-forest")
                        .put("role", "viewer"))).encode()), 400)).contains("at least 10 characters");
        assertThat(refusal(send("POST", "/api/v1/people", rhea, newPerson("eve", "food-forest", "gardener")), 400))
                .contains("'gardener' is not one of viewer, steward, installer, admin");
        assertThat(refusal(send("PUT", "/api/v1/people/vic/roles/Food%20Forest", rhea, "{\"role\": \"viewer\"}"),
                400)).contains("is not a site id");
        assertThat(people.person("eve")).isEmpty();
    }

    @Test
    void changesFromAnotherWebSite_areRefused() throws Exception {
        HttpResponse<String> forged = http.send(HttpRequest.newBuilder(uri("/api/v1/me/notify"))
                .header("Cookie", signIn("ann")).header("Origin", "https://evil.example")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"minSeverity\": \"info\", \"zone\": \"UTC\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(people.choice("ann")).isEmpty();
    }

    @Test
    void anOpenCollector_saysItHasNoAccounts_insteadOfFailing() throws Exception {
        try (ApiServer open = ApiServer.start(tmp.resolve("open"), "", Clock.systemUTC())) {
            for (String path : List.of("/api/v1/me/notify", "/api/v1/sites/food-forest/rota", "/api/v1/people")) {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + open.port() + path)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as(path).isEqualTo(409);
                assertThat(new JsonObject(response.body()).getString("error")).contains("has no accounts")
                        .contains("bin/steward user add");
            }
        }
    }

    private static String newPerson(String name, String site, String role) {
        return new JsonObject().put("name", name).put("password", name + "'s long password")
                .put("roles", new JsonArray().add(new JsonObject().put("site", site).put("role", role))).encode();
    }

    private String signIn(String name) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/api/v1/session"))
                .header("Origin", api.origin()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("name", name)
                        .put("password", name + "'s long password").encode())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String setCookie = response.headers().firstValue("Set-Cookie").orElseThrow();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    /** As the dashboard sends it: with the sign-in cookie and, for a change, its own origin. */
    private HttpResponse<String> send(String method, String path, String cookie, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).header("Cookie", cookie)
                .timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (!method.equals("GET")) {
            request.header("Origin", api.origin()).header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonObject json(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return new JsonObject(response.body());
    }

    private static String refusal(HttpResponse<String> response, int status) {
        return json(response, status).getString("error");
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + api.port() + path);
    }
}
