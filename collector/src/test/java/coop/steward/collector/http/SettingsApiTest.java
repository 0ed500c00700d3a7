package coop.steward.collector.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import coop.steward.collector.config.CollectorConfig;
import coop.steward.collector.people.Grant;
import coop.steward.collector.people.PeopleStore;
import coop.steward.collector.people.Role;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An admin of every site changes the collector's alert rules from the dashboard's API: the config is checked as at
 * start-up, saved in place of the file, and its rules raise and resolve alerts at once, without a restart. Nobody
 * else may see or change it, and two admins cannot overwrite each other's change unseen.
 */
class SettingsApiTest {
    private static final String STARTED = "alerts:\n  defaults: [devices]\n";
    private static final String BERRIES = STARTED + "  rules:\n    - id: berries-dry\n      type: threshold\n"
            + "      kind: soil_moisture\n      devices: [bed-3]\n      below: 26\n";

    @TempDir
    Path tmp;
    private Path file;
    private SignedInCollector collector;

    @BeforeEach
    void start() throws Exception {
        Path data = tmp.resolve("data");
        PeopleStore people = PeopleStore.open(data);
        people.add("ada", "ada's long password", List.of(new Grant(Grant.EVERY_SITE, Role.ADMIN)));
        people.add("sam", "sam's long password", List.of(new Grant("food-forest", Role.ADMIN)));
        file = tmp.resolve("collector.yaml");
        Files.writeString(file, STARTED);
        collector = SignedInCollector.start(tmp, data, s -> s.with(CollectorConfig.load(file)).withConfigFile(file));
    }

    @AfterEach
    void stop() throws Exception {
        collector.close();
    }

    @Test
    void aRuleAnAdminAdds_raisesAlertsAtOnce_andOneTakenOut_resolvesItsAlert() throws Exception {
        String ada = collector.signIn("ada", "ada's long password");
        JsonObject current = new JsonObject(collector.get("/api/v1/settings", ada).body());
        assertThat(current.getString("yaml")).isEqualTo(STARTED);

        HttpResponse<String> saved = save(ada, BERRIES, current.getString("version"));

        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
        assertThat(new JsonObject(saved.body()).getJsonArray("now")).contains("alert rules");
        assertThat(Files.readString(file)).isEqualTo(BERRIES);
        assertThat(Files.readString(file.resolveSibling("collector.yaml.previous"))).isEqualTo(STARTED);
        collector.publishSoilMoisture("food-forest", "bed-3", 1, System.currentTimeMillis(), 22);
        await().atMost(SignedInCollector.WAIT).until(() -> alerts(ada, "active").stream()
                .anyMatch(a -> "berries-dry".equals(((JsonObject) a).getString("rule"))));

        String version = new JsonObject(saved.body()).getString("version");
        assertThat(save(ada, STARTED, version).statusCode()).isEqualTo(200);
        await().atMost(SignedInCollector.WAIT).until(() -> alerts(ada, "resolved").stream()
                .anyMatch(a -> "berries-dry".equals(((JsonObject) a).getString("rule"))));
        JsonObject resolved = (JsonObject) alerts(ada, "resolved").stream()
                .filter(a -> "berries-dry".equals(((JsonObject) a).getString("rule"))).findFirst().orElseThrow();
        assertThat(resolved.getString("resolution")).contains("taken out of the collector's config");
    }

    @Test
    void aConfigWithProblems_isRefusedWithEachProblemsLine_andNothingIsSaved() throws Exception {
        String ada = collector.signIn("ada", "ada's long password");
        String version = new JsonObject(collector.get("/api/v1/settings", ada).body()).getString("version");
        String broken = STARTED + "  rules:\n    - id: berries-dry\n      type: threshold\n      kind: soil_moisture\n"
                + "      below: soggy\n";

        JsonObject checked = new JsonObject(collector.post("/api/v1/settings/check", ada,
                new JsonObject().put("yaml", broken).encode()).body());
        HttpResponse<String> saved = save(ada, broken, version);

        assertThat(checked.getJsonArray("problems")).isNotEmpty();
        assertThat(checked.getJsonArray("problems").getJsonObject(0).getInteger("line")).isEqualTo(7);
        assertThat(saved.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(saved.body()).getString("error")).contains("nothing was saved");
        assertThat(Files.readString(file)).isEqualTo(STARTED);
    }

    @Test
    void aSaveFromAnOlderVersion_isRefused_soNobodyOverwritesAnothersChangeUnseen() throws Exception {
        String ada = collector.signIn("ada", "ada's long password");
        String opened = new JsonObject(collector.get("/api/v1/settings", ada).body()).getString("version");
        assertThat(save(ada, BERRIES, opened).statusCode()).isEqualTo(200);

        HttpResponse<String> late = save(ada, STARTED + "# mine\n", opened);

        assertThat(late.statusCode()).isEqualTo(409);
        assertThat(new JsonObject(late.body()).getString("error")).contains("someone changed the settings");
        assertThat(Files.readString(file)).isEqualTo(BERRIES);
    }

    @Test
    void onlyAnAdminOfEverySite_mayReadOrChangeTheSettings() throws Exception {
        String sam = collector.signIn("sam", "sam's long password");

        HttpResponse<String> read = collector.get("/api/v1/settings", sam);
        HttpResponse<String> saved = save(sam, BERRIES, "0000000000000000");

        assertThat(read.statusCode()).isEqualTo(403);
        assertThat(new JsonObject(read.body()).getString("error")).contains("only an admin of every site");
        assertThat(saved.statusCode()).isEqualTo(403);
        assertThat(Files.readString(file)).isEqualTo(STARTED);
    }

    @Test
    void bodiesThatAreNotAConfig_areRefusedWithASentence_andNothingIsSaved() throws Exception {
        String ada = collector.signIn("ada", "ada's long password");

        for (String body : new String[] {"alerts: {}", "[]", "{\"yaml\": 42}", "{\"yaml\": \"alerts:\\n\"}",
                "{\"yaml\": \"alerts:\\n\", \"version\": 7}"}) {
            HttpResponse<String> answer = collector.post("/api/v1/settings", ada, body);
            assertThat(answer.statusCode()).as(body).isEqualTo(400);
            assertThat(new JsonObject(answer.body()).getString("error")).as(body).isNotBlank();
        }
        assertThat(Files.readString(file)).isEqualTo(STARTED);
    }

    private HttpResponse<String> save(String cookie, String yaml, String version) throws Exception {
        return collector.post("/api/v1/settings", cookie, new JsonObject().put("yaml", yaml).put("version", version)
                .encode());
    }

    private JsonArray alerts(String cookie, String state) throws Exception {
        return new JsonArray(collector.get("/api/v1/alerts?state=" + state, cookie).body());
    }
}
