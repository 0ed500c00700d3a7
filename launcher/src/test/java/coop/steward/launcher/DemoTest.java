package coop.steward.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import coop.steward.config.DeviceConfig;
import coop.steward.config.SensorConfig;
import coop.steward.testsupport.FreePort;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoTest {
    @TempDir
    Path data;
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void demo_servesLiveReadingsForEverySimulatedSensorWithin15Seconds_andKeepsThemAcrossARestart() throws Exception {
        Set<String> expected = new HashSet<>();
        DemoStory story = new DemoStory(Instant.now(), true);
        for (String device : Demo.DEVICES) {
            DeviceConfig config = Demo.config(device, "tcp://127.0.0.1:1", data, story);
            for (SensorConfig sensor : config.sensors()) {
                expected.add(config.site() + "/" + device + "/" + sensor.id());
            }
        }
        assertThat(expected).hasSizeGreaterThanOrEqualTo(5 * 4);

        Set<String> before;
        try (Demo demo = Demo.start(FreePort.find(), FreePort.find(), data)) {
            // The history filled on this first start holds readings of every sensor already: wait for live ones.
            long live = System.currentTimeMillis();
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                    assertThat(sensorsWithReadings(demo.httpPort(), live)).containsAll(expected));
            before = sensorsWithReadings(demo.httpPort(), 0);
            assertThat(get(demo.httpPort(), "/").body()).contains("<title>Steward");

            // The README's example: mosquitto_pub with no client id, into the demo's embedded broker.
            Process pub = new ProcessBuilder("mosquitto_pub", "-p", Integer.toString(demo.brokerPort()), "-q", "1",
                    "-t", "steward/v1/my-garden/bed-9/readings", "-m", "{\"v\": 1, \"device\": \"bed-9\", \"seq\": 1, "
                    + "\"readings\": [{\"sensor\": \"soil-a\", \"kind\": \"soil_moisture\", \"t\": "
                    + System.currentTimeMillis() + ", \"value\": 31.4}]}").redirectErrorStream(true).start();
            assertThat(pub.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(pub.exitValue()).as(new String(pub.getInputStream().readAllBytes())).isZero();
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                    assertThat(sensorsWithReadings(demo.httpPort(), 0)).contains("my-garden/bed-9/soil-a"));

            // A message of 200 readings (18 KB), over the 8,092 bytes Moquette took by default.
            StringBuilder readings = new StringBuilder();
            long t0 = System.currentTimeMillis() - 200_000;
            for (int i = 0; i < 200; i++) {
                readings.append(i == 0 ? "" : ",").append("{\"sensor\": \"soil-b\", \"kind\": \"soil_moisture\", ")
                        .append("\"t\": ").append(t0 + i * 1_000L).append(", \"value\": 30.5}");
            }
            Path file = java.nio.file.Files.writeString(data.resolve("200.json"), "{\"v\": 1, \"device\": \"bed-9\", "
                    + "\"seq\": 2, \"readings\": [" + readings + "]}");
            Process large = new ProcessBuilder("mosquitto_pub", "-p", Integer.toString(demo.brokerPort()), "-q", "1",
                    "-t", "steward/v1/my-garden/bed-9/readings", "-f", file.toString()).redirectErrorStream(true).start();
            assertThat(large.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(large.exitValue()).as(new String(large.getInputStream().readAllBytes())).isZero();
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(new JsonObject(get(demo.httpPort(),
                    "/api/v1/series?site=my-garden&device=bed-9&sensor=soil-b&from=0").body()).getJsonArray("t"))
                    .hasSize(200));
        }

        try (Demo again = Demo.start(FreePort.find(), FreePort.find(), data)) {
            assertThat(sensorsWithReadings(again.httpPort(), 0)).as("data kept from the first run").containsAll(before);
        }
    }

    @Test
    void demoOpenedToTheNetwork_takesOnlyItsOwnAccounts_andItsAgentsStillReport() throws Exception {
        try (Demo demo = Demo.start(FreePort.find(), FreePort.find(), data, true, said -> { })) {
            long live = System.currentTimeMillis();
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                    assertThat(sensorsWithReadings(demo.httpPort(), live)).contains("food-forest/bed-1/soil-a",
                            "solar-array/array-1/power"));
            Path accounts = demo.identities().orElseThrow().resolve("accounts");
            assertThat(accounts.resolve("operator.env")).exists();

            Process anonymous = new ProcessBuilder("mosquitto_pub", "-h", "127.0.0.1", "-p",
                    Integer.toString(demo.brokerPort()), "-q", "1", "-t", "steward/v1/food-forest/bed-1/cmd", "-m",
                    "{\"v\": 1, \"id\": \"c1\", \"actuator\": \"valve\", \"action\": \"open\", \"seconds\": 60}")
                    .redirectErrorStream(true).start();
            assertThat(anonymous.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(new String(anonymous.getInputStream().readAllBytes())).contains("not authorised");
            assertThat(anonymous.exitValue()).isNotZero();
        }
    }

    /** Sensors whose latest reading was taken at {@code since} or later. */
    private Set<String> sensorsWithReadings(int port, long since) throws Exception {
        Set<String> found = new HashSet<>();
        for (Object d : new JsonArray(get(port, "/api/v1/devices").body())) {
            JsonObject device = (JsonObject) d;
            for (Object s : device.getJsonArray("sensors")) {
                JsonObject sensor = (JsonObject) s;
                if (sensor.getJsonObject("last") != null && sensor.getJsonObject("last").getLong("t") >= since) {
                    found.add(device.getString("site") + "/" + device.getString("device") + "/"
                            + sensor.getString("sensor"));
                }
            }
        }
        return found;
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
