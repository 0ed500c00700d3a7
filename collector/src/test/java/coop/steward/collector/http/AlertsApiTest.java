package coop.steward.collector.http;

import static org.assertj.core.api.Assertions.assertThat;

import coop.steward.collector.alert.StoredAlerts;
import coop.steward.collector.config.Severity;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The alert list's filters and the acknowledgement's note, as the dashboard uses them. */
class AlertsApiTest {
    private static final long NOW = Instant.parse("2026-11-24T12:00:00Z").toEpochMilli();
    private static final long HOUR = 3_600_000L;
    private static final long DAY = 24 * HOUR;
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);

    @TempDir
    Path tmp;
    private ApiServer api;

    @BeforeEach
    void start() throws Exception {
        StoredAlerts.write(tmp, List.of(
                StoredAlerts.alert(1, "soil-dry", Severity.WARNING, "bed-1", NOW - 2 * HOUR, null, null),
                StoredAlerts.alert(2, "soil-wilting", Severity.CRITICAL, "bed-2", NOW - 3 * HOUR, NOW - HOUR, null),
                StoredAlerts.alert(3, "stuck", Severity.INFO, "bed-1", NOW - 10 * DAY, null, NOW - 9 * DAY),
                StoredAlerts.alert(4, "soil-dry", Severity.WARNING, "bed-2", NOW - 30 * DAY, NOW - 30 * DAY + HOUR,
                        NOW - 29 * DAY)));
        api = ApiServer.start(tmp, "", CLOCK);
    }

    @AfterEach
    void stop() throws Exception {
        api.close();
    }

    private List<String> ids(String query) throws Exception {
        return api.array("/api/v1/alerts" + query).stream().map(a -> ((JsonObject) a).getString("id")).toList();
    }

    @Test
    void filters_bySeverityDeviceAndTheTimesTheirEpisodesOverlap_combine() throws Exception {
        assertThat(ids("")).containsExactly("a1", "a2", "a3", "a4");
        assertThat(ids("?severity=warning,critical")).containsExactly("a1", "a2", "a4");
        assertThat(ids("?severity=info")).containsExactly("a3");
        assertThat(ids("?device=bed-2")).containsExactly("a2", "a4");
        assertThat(ids("?from=" + (NOW - 9 * DAY - HOUR) + "&to=" + (NOW - 8 * DAY))).containsExactly("a3");
        assertThat(ids("?from=" + (NOW - 9 * DAY))).as("a resolved episode ends when it resolved")
                .containsExactly("a1", "a2");
        assertThat(ids("?from=" + (NOW - HOUR) + "&to=" + NOW)).as("an active one lasts until now")
                .containsExactly("a1", "a2");
        assertThat(ids("?to=2026-11-01T00:00:00Z&severity=warning&device=bed-2&state=resolved"))
                .containsExactly("a4");
        assertThat(ids("?state=active&severity=critical")).containsExactly("a2");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "?severity=urgent | severity 'urgent' is not one of info, warning, critical; give one or more, separated "
                    + "by commas: severity=warning,critical",
            "?severity=warning, | severity '' is not one of info, warning, critical; give one or more, separated by "
                    + "commas: severity=warning,critical",
            "?device=Bed-1 | device 'Bed-1' is not a valid id: 1 to 64 characters of a-z, 0-9, '_' and '-', "
                    + "starting with a letter or digit",
            "?from=2026-11-25T00:00:00Z&to=2026-11-24T00:00:00Z | from (2026-11-25T00:00:00Z) is after to "
                    + "(2026-11-24T00:00:00Z): swap them",
            "?from=soon | from 'soon' is neither epoch milliseconds nor an ISO-8601 instant such as "
                    + "2026-11-25T12:00:00Z"})
    void badFilters_areRefusedWithASentence(String query, String sentence) throws Exception {
        assertThat(api.refusal("/api/v1/alerts" + query, 400)).isEqualTo(sentence);
    }

    @Test
    void aNoteGivenWithTheAcknowledgement_isInTheAlert_andStillThereAfterARestart() throws Exception {
        HttpResponse<String> ack = api.post("/api/v1/alerts/a1/ack", "{\"note\": \"watered by hand\"}");

        assertThat(ack.statusCode()).as(ack.body()).isEqualTo(200);
        assertThat(new JsonObject(ack.body()).getString("note")).isEqualTo("watered by hand");
        assertThat(new JsonObject(ack.body()).getString("state")).isEqualTo("acknowledged");
        api.close();
        api = ApiServer.start(tmp, "", CLOCK);
        JsonArray alerts = api.array("/api/v1/alerts?state=acknowledged");
        assertThat(alerts.getJsonObject(0).getString("id")).isEqualTo("a1");
        assertThat(alerts.getJsonObject(0).getString("note")).isEqualTo("watered by hand");
        assertThat(alerts.getJsonObject(1).getValue("note")).isNull();
    }

    @Test
    void anAlertsHistory_showsEachNoteInTurn_andAnOldResolvedAlertsToo() throws Exception {
        api.post("/api/v1/alerts/a1/ack", "{\"note\": \"watered by hand\"}");
        api.post("/api/v1/alerts/a1/ack", "{\"note\": \"the dripper was blocked; cleaned it\"}");

        JsonObject open = new JsonObject(api.get("/api/v1/alerts/a1").body());
        JsonObject old = new JsonObject(api.get("/api/v1/alerts/a4").body());

        assertThat(open.getString("note")).isEqualTo("the dripper was blocked; cleaned it");
        assertThat(open.getJsonArray("history").stream().map(e -> ((JsonObject) e).getString("what") + ": "
                + ((JsonObject) e).getString("note"))).containsExactly("opened: null",
                "acknowledged: watered by hand", "acknowledged: the dripper was blocked; cleaned it");
        assertThat(old.getJsonArray("history").stream().map(e -> ((JsonObject) e).getString("what")))
                .containsExactly("opened", "acknowledged", "resolved");
        assertThat(api.refusal("/api/v1/alerts/a99", 404)).startsWith("no alert 'a99'");
    }

    @Test
    void aNoteSentAsCurlDashDSendsIt_withAFormContentType_isTaken() throws Exception {
        HttpResponse<String> ack = api.post("/api/v1/alerts/a1/ack", "{\"note\": \"watered by hand\"}",
                "application/x-www-form-urlencoded");

        assertThat(ack.statusCode()).as(ack.body()).isEqualTo(200);
        assertThat(new JsonObject(ack.body()).getString("note")).isEqualTo("watered by hand");
    }

    @Test
    void aNoteOf500Characters_isTaken_andWithoutABodyThereIsNone() throws Exception {
        String longest = "ü".repeat(500);

        HttpResponse<String> withNote = api.post("/api/v1/alerts/a1/ack", new JsonObject().put("note", longest)
                .encode());
        HttpResponse<String> without = api.post("/api/v1/alerts/a2/ack", "");

        assertThat(new JsonObject(withNote.body()).getString("note")).isEqualTo(longest);
        assertThat(without.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(without.body()).getValue("note")).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "watered by hand | the body is not a JSON object: send {\"note\": \"watered by hand\"}, or no body to "
                    + "acknowledge without a note",
            "[\"watered\"] | the body is not a JSON object: send {\"note\": \"watered by hand\"}, or no body to "
                    + "acknowledge without a note",
            "{\"note\": 42} | note must be text, e.g. {\"note\": \"watered by hand\"}"})
    void aBodyThatIsNotANote_isRefused_andTheAlertStaysOpen(String body, String sentence) throws Exception {
        HttpResponse<String> ack = api.post("/api/v1/alerts/a1/ack", body);

        assertThat(ack.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(ack.body()).getString("error")).isEqualTo(sentence);
        assertThat(ids("?state=open")).containsExactly("a1");
    }

    @Test
    void aNoteLongerThan500Characters_isRefused() throws Exception {
        HttpResponse<String> ack = api.post("/api/v1/alerts/a1/ack", new JsonObject().put("note", "x".repeat(501))
                .encode());

        assertThat(ack.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(ack.body()).getString("error"))
                .isEqualTo("the note has 501 characters; at most 500 fit: shorten it");
    }

    @Test
    void acknowledgingAResolvedOrUnknownAlert_isRefused_evenWithANote() throws Exception {
        assertThat(api.post("/api/v1/alerts/a3/ack", "{\"note\": \"too late\"}").statusCode()).isEqualTo(409);
        assertThat(api.post("/api/v1/alerts/a99/ack", "{\"note\": \"which?\"}").statusCode()).isEqualTo(404);
    }
}
