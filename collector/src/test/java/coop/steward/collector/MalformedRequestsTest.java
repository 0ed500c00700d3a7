package coop.steward.collector;

import static org.assertj.core.api.Assertions.assertThat;

import coop.steward.collector.ingest.IngestSettings;
import coop.steward.testsupport.FreePort;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Requests no browser would send, written byte for byte on a socket (Java's HTTP client refuses to build them):
 * every one answers 4xx with {"error": "a sentence"}, never a 500.
 */
class MalformedRequestsTest {
    /** Host and Origin as a browser on the dashboard sends them: the collector takes changes from no other origin. */
    private static final String FROM_DASHBOARD = "Host: 127.0.0.1\r\nOrigin: http://127.0.0.1\r\n";

    private static final String SERIES = "/api/v1/series?site=food-forest&device=bed-1&sensor=soil-a";

    @TempDir
    static Path tmp;
    private static Vertx vertx;
    private static Collector collector;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        // No broker listens there: the API answers all the same.
        IngestSettings ingest = new IngestSettings("tcp://127.0.0.1:" + FreePort.find(), "http-test", null, null,
                100, 1_000);
        collector = Collector.start(vertx, new CollectorSettings(ingest, "127.0.0.1", 0, tmp.resolve("data")))
                .await(30, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        collector.stop().await(10, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            SERIES + "&from=%zz",
            SERIES + "&from=1%",
            SERIES + "&from=%e",
            "/api/v1/series?site=%ff%fe&device=bed-1&sensor=soil-a",
            "/api/v1/series?%=1",
            SERIES + "&from=%2B292278995-01-01T00:00:00Z",
            SERIES + "&to=-292278995-01-01T00:00:00Z",
            SERIES + "&from=%2B1000000000-12-31T23:59:59.999999999Z",
            SERIES + "&from=999999999999999999",
            SERIES + "&step=99999999999999999999999d",
            SERIES + "&maxPoints=99999999999999999999",
            SERIES + "&limit=-5",
            SERIES + "&agg=median&step=1h",
            SERIES + "&format=%00",
            "/api/v1/series/batch?series=%zz",
            "/api/v1/series/batch?series=food-forest%2Fbed-1%2Fsoil-a&step=99999999999999999999999d",
            "/api/v1/series/batch?series=%C0%AF/bed-1/soil-a&maxPoints=%",
            "/api/v1/series/batch?series=//&from=%2B292278995-01-01T00:00:00Z",
            "/api/v1/spans?site=food-forest&device=bed-1&sensor=valve&from=999999999999999999",
            "/api/v1/spans?site=food-forest&device=bed-1&sensor=%e",
            "/api/v1/totals?site=food-forest&device=shed&sensor=meter&period=%zz",
            "/api/v1/totals?site=food-forest&device=shed&sensor=meter&from=-292278995-01-01T00:00:00Z",
            "/api/v1/totals?site=food-forest&device=shed&sensor=meter&period=%00",
            "/api/v1/report?from=%zz",
            "/api/v1/report?from=99999-01",
            "/api/v1/report?to=-0001-01",
            "/api/v1/report?site=%E2%80%AE&format=csv",
            "/api/v1/sites?%",
            "/api/v1/alerts?severity=%zz",
            "/api/v1/alerts?severity=warning,,critical",
            "/api/v1/alerts?device=%C0%AF",
            "/api/v1/alerts?from=%2B292278995-01-01T00:00:00Z",
            "/api/v1/alerts?state=%zz",
            "/api/v1/alerts?site=%E2%80%AE",
            "/api/v1/alerts?site=%C0%AF",
            "/api/v1/devices?x=%",
            "/api/v1/rejected?%%%",
            "/api/v1/nothing%zz",
            "/%zz",
            "/app.js%",
            "/..%2f..%2fetc/passwd",
            "/%2e%2e/%2e%2e/etc/passwd",
    })
    void malformedQueryOrPath_answers4xxWithASentence(String target) throws Exception {
        assertRefusedWithASentence(raw("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
    }

    @Test
    void acknowledgingAnAlertWithAMalformedId_answers4xxWithASentence() throws Exception {
        assertRefusedWithASentence(raw("POST /api/v1/alerts/%zz/ack HTTP/1.1\r\n" + FROM_DASHBOARD
                + "Content-Length: 0\r\nConnection: close\r\n\r\n"));
        assertRefusedWithASentence(raw("POST /api/v1/alerts/" + "a".repeat(3_000) + "/ack HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
    }

    /** Bodies a script or a broken client might send with an acknowledgement: never a 500, always a sentence. */
    @ParameterizedTest
    @ValueSource(strings = {"not json", "{", "[1, 2]", "42", "\"a note\"", "null", "{\"note\": {\"a\": 1}}",
            "{\"note\": [1]}", "{\"note\": true}", "{\"note\": \"\\ud800\"}", "{\"note\": \"x\"} trailing"})
    void acknowledgingWithABodyThatIsNotANote_answers4xxWithASentence(String body) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        Answer answer = raw("POST /api/v1/alerts/a1/ack HTTP/1.1\r\n" + FROM_DASHBOARD
                + "Content-Type: application/json"
                + "\r\nContent-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n" + body);

        assertRefusedWithASentence(answer);
    }

    @Test
    void acknowledgingWithAHugeOrDeeplyNestedBody_answers4xxWithASentence() throws Exception {
        String deep = "{\"note\": " + "[".repeat(5_000) + "]".repeat(5_000) + "}";
        String huge = "{\"note\": \"" + "x".repeat(100_000) + "\"}";
        for (String body : new String[] {deep, huge}) {
            assertRefusedWithASentence(raw("POST /api/v1/alerts/a1/ack HTTP/1.1\r\n" + FROM_DASHBOARD
                    + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body));
        }
        byte[] notUtf8 = {'{', '"', 'n', 'o', 't', 'e', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'};
        assertRefusedWithASentence(raw("POST /api/v1/alerts/a1/ack HTTP/1.1\r\n" + FROM_DASHBOARD
                + "Content-Length: " + notUtf8.length + "\r\nConnection: close\r\n\r\n"
                + new String(notUtf8, StandardCharsets.ISO_8859_1)));
    }

    @Test
    void anAddressTooLongForTheServer_answers414WithASentence() throws Exception {
        Answer answer = raw("GET " + SERIES + "&x=" + "a".repeat(5_000) + " HTTP/1.1\r\n" + FROM_DASHBOARD
                + "Connection: close\r\n\r\n");
        assertThat(answer.status()).isEqualTo(414);
        assertRefusedWithASentence(answer);
    }

    @Test
    void headersTooLargeForTheServer_answer431WithASentence() throws Exception {
        Answer answer = raw("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "b".repeat(20_000)
                + "\r\nConnection: close\r\n\r\n");
        assertThat(answer.status()).isEqualTo(431);
        assertRefusedWithASentence(answer);
    }

    @Test
    void aRequestLineThatIsNotHttp_answers400WithASentence() throws Exception {
        assertRefusedWithASentence(raw("GET /health HTTP/9.9 nonsense\r\n\r\n"));
    }

    /** 3,000 requests built from pieces that broke parsers before; a fixed seed, so a failure can be replayed. */
    @Test
    void fuzzedQueries_neverAnswer5xx() throws Exception {
        String[] paths = {"/api/v1/series", "/api/v1/alerts", "/api/v1/devices", "/api/v1/rejected",
                "/api/v1/alerts/a1/ack", "/health", "/", "/api/v1/series/batch", "/api/v1/sites", "/api/v1/spans",
                "/api/v1/totals", "/api/v1/report", "/api/v1/commands", "/api/v1/session", "/api/v1/alerts/a1",
                "/api/v1/alerts/%F0%9F%8C%B1", "/api/v1/alerts/..%2F..", "/api/v1/settings",
                "/api/v1/settings/check"};
        String[] names = {"site", "device", "sensor", "from", "to", "step", "maxPoints", "agg", "limit", "format",
                "state", "", "%", "%zz", "a b", "series", "series", "period", "severity", "action", "seconds",
                "actuator"};
        String[] values = {"food-forest", "bed-1", "soil-a", "%zz", "%", "%e", "%ff", "%00", "%C0%AF", "-1", "0",
                "9223372036854775807", "-9223372036854775808", "99999999999999999999", "1e308", "NaN",
                "%2B292278995-01-01T00:00:00Z", "-292278995-01-01T00:00:00Z", "2026-02-30T00:00:00Z", "1h", "0s",
                "1d", "5m", "mean", "sum", "csv", "json", "open", "all", "%E2%80%AE", "%F0%9F%8C%B1", "..%2F..",
                "a".repeat(300), "", "&", "=", "+", "%25", "999999999999999999", "food-forest/bed-1/soil-a",
                "food-forest%2Fbed-1%2Fsoil-a", "/", "a/b/c/d", "day", "week", "month", "year", "decade", "2026-11",
                "2026-13", "0000-01", "9999-12", "warning,critical", "info,", ",", "critical"};
        Random random = new Random(20261203L);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            StringBuilder target = new StringBuilder(paths[random.nextInt(paths.length)]).append('?');
            int params = random.nextInt(6);
            for (int p = 0; p < params; p++) {
                target.append(p == 0 ? "" : "&").append(names[random.nextInt(names.length)]).append('=')
                        .append(values[random.nextInt(values.length)]);
            }
            String method = target.indexOf("/ack") >= 0 || target.indexOf("/commands") >= 0 && random.nextBoolean()
                    || target.indexOf("/session") >= 0 && random.nextBoolean() ? "POST" : "GET";
            Answer answer = raw(method + " " + target + " HTTP/1.1\r\n" + FROM_DASHBOARD
                    + "Content-Length: 0\r\n"
                    + "Connection: close\r\n\r\n");
            if (answer.status() >= 500 && !target.toString().startsWith("/health")
                    || answer.status() >= 400 && !hasASentence(answer)) {
                failures.add(answer.status() + " " + method + " " + target + " -> " + answer.body());
            }
        }
        assertThat(failures).isEmpty();
    }

    private static void assertRefusedWithASentence(Answer answer) {
        assertThat(answer.status()).as(answer.body()).isBetween(400, 499);
        assertThat(hasASentence(answer)).as(answer.body()).isTrue();
    }

    private static boolean hasASentence(Answer answer) {
        try {
            String error = new JsonObject(answer.body()).getString("error");
            return error != null && error.length() > 20;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private record Answer(int status, String body) {
    }

    private static Answer raw(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", collector.httpPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            try {
                while ((n = in.read(buffer)) > 0) {
                    all.write(buffer, 0, n);
                }
            } catch (IOException e) {
                // a reset after the answer is fine: what was read counts
            }
            String text = all.toString(StandardCharsets.UTF_8);
            int headerEnd = text.indexOf("\r\n\r\n");
            if (!text.startsWith("HTTP/1.") || headerEnd < 0) {
                return new Answer(-1, text);
            }
            String head = text.substring(0, headerEnd);
            String body = text.substring(headerEnd + 4);
            if (head.toLowerCase().contains("transfer-encoding: chunked")) {
                body = unchunk(body);
            }
            return new Answer(Integer.parseInt(text.substring(9, 12)), body);
        }
    }

    private static String unchunk(String chunked) {
        StringBuilder body = new StringBuilder();
        int at = 0;
        while (at < chunked.length()) {
            int lineEnd = chunked.indexOf("\r\n", at);
            int size = Integer.parseInt(chunked.substring(at, lineEnd).trim(), 16);
            if (size == 0) {
                break;
            }
            body.append(chunked, lineEnd + 2, lineEnd + 2 + size);
            at = lineEnd + 2 + size + 2;
        }
        return body.toString();
    }
}
