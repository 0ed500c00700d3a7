package coop.steward.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
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
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Grafana dashboard that ships (docs/grafana/steward-site.json) against an InfluxDB that the real collector
 * filled from MQTT: every panel's every query, with the dashboard's variables filled in as Grafana does, answers
 * without an error and with data, and the site variable lists the site.
 */
class GrafanaDashboardTest {
    private static final Path DASHBOARD = Path.of("../docs/grafana/steward-site.json");
    private static final String SITE = "food-forest";
    private static final long MINUTE = 60_000L;
    private static final long NOW = System.currentTimeMillis() / MINUTE * MINUTE;
    private static final long FROM = NOW - 2 * 24 * 60 * MINUTE;
    /** device, then sensor and kind pairs. */
    private static final Map<String, List<String>> DEVICES = Map.of(
            "bed-1", List.of("soil-a", "soil_moisture", "flow", "flow_rate", "valve", "valve_state"),
            "bed-2", List.of("soil-a", "soil_moisture"),
            "array", List.of("power", "solar_power", "sun", "irradiance", "battery", "battery_soc", "battery-v",
                    "battery_voltage"));

    @TempDir
    Path tmp;
    private InfluxCollector run;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        run = InfluxCollector.start(tmp, "grafana-collector");
    }

    @AfterEach
    void stop() throws Exception {
        run.close();
    }

    /** Two days of a reading every ten minutes from every sensor, one message a device. */
    private void publishTwoDays() throws Exception {
        MqttClient client = new MqttClient(run.broker.url(), "grafana-test-device", new MemoryPersistence());
        client.connect();
        for (Map.Entry<String, List<String>> device : DEVICES.entrySet()) {
            List<String> readings = new ArrayList<>();
            List<String> sensors = device.getValue();
            for (int s = 0; s < sensors.size(); s += 2) {
                for (long t = FROM; t < NOW; t += 10 * MINUTE) {
                    double value = sensors.get(s + 1).equals("valve_state") ? (t / (60 * MINUTE)) % 2 : (t / MINUTE) % 90;
                    readings.add("{\"sensor\": \"" + sensors.get(s) + "\", \"kind\": \"" + sensors.get(s + 1)
                            + "\", \"t\": " + t + ", \"value\": " + value + "}");
                }
            }
            client.publish("steward/v1/" + SITE + "/" + device.getKey() + "/readings", ("{\"v\": 1, \"device\": \""
                    + device.getKey() + "\", \"seq\": 1, \"readings\": [" + String.join(",", readings) + "]}")
                    .getBytes(StandardCharsets.UTF_8), 1, false);
        }
        client.disconnect();
        int expected = 0;
        for (List<String> sensors : DEVICES.values()) {
            expected += sensors.size() / 2 * (int) ((NOW - FROM) / (10 * MINUTE));
        }
        int all = expected;
        await().atMost(Duration.ofSeconds(60)).until(() -> storedCount() == all);
    }

    @Test
    void everyPanelQuery_withTheVariablesFilledIn_answersWithData_fromWhatTheCollectorStored() throws Exception {
        publishTwoDays();
        JsonObject dashboard = new JsonObject(Files.readString(DASHBOARD));

        JsonObject siteVariable = variable(dashboard, "site");
        assertThat(influxQuery(siteVariable.getString("query")).getJsonArray("series").getJsonObject(0)
                .getJsonArray("values").getJsonArray(0).getString(1)).isEqualTo(SITE);
        List<String> titles = new ArrayList<>();
        int queries = 0;
        for (Object p : dashboard.getJsonArray("panels")) {
            JsonObject panel = (JsonObject) p;
            titles.add(panel.getString("title"));
            assertThat(panel.getJsonArray("targets")).as(panel.getString("title")).isNotEmpty();
            for (Object t : panel.getJsonArray("targets")) {
                String query = substitute(((JsonObject) t).getString("query"), dashboard,
                        panel.getString("interval", "10m"));
                JsonObject result = influxQuery(query);
                assertThat(result.getString("error")).as(query).isNull();
                assertThat(result.getJsonArray("series")).as("series of %s", query).isNotEmpty();
                assertThat(hasValue(result.getJsonArray("series"))).as("a value from %s", query).isTrue();
                queries++;
            }
        }
        assertThat(queries).isGreaterThanOrEqualTo(titles.size());
        assertThat(String.join(" | ", titles).toLowerCase()).contains("soil moisture", "flow", "valve", "solar",
                "battery");
    }

    /** Grafana's substitutions: the site, the time range, the panel's interval, and the text variables' values. */
    private static String substitute(String query, JsonObject dashboard, String interval) {
        String filled = query.replace("$timeFilter", "time >= " + FROM + "ms and time <= " + NOW + "ms")
                .replace("$__interval", interval).replace("$site", SITE);
        for (Object v : dashboard.getJsonObject("templating").getJsonArray("list")) {
            JsonObject variable = (JsonObject) v;
            if ("textbox".equals(variable.getString("type"))) {
                filled = filled.replace("$" + variable.getString("name"), variable.getString("query"));
            }
        }
        assertThat(filled).as("every variable of %s filled in", query).doesNotContainPattern("\\$\\{?[A-Za-z_]");
        return filled;
    }

    private static JsonObject variable(JsonObject dashboard, String name) {
        for (Object v : dashboard.getJsonObject("templating").getJsonArray("list")) {
            if (name.equals(((JsonObject) v).getString("name"))) {
                return (JsonObject) v;
            }
        }
        throw new AssertionError("the dashboard has no variable " + name);
    }

    private static boolean hasValue(JsonArray series) {
        for (Object s : series) {
            for (Object row : ((JsonObject) s).getJsonArray("values")) {
                if (((JsonArray) row).getValue(1) != null) {
                    return true;
                }
            }
        }
        return false;
    }

    /** One statement's result, straight from InfluxDB's HTTP API, as Grafana asks it. */
    private JsonObject influxQuery(String statement) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(run.influx.url() + "/query?db=steward&"
                + "epoch=ms&q=" + URLEncoder.encode(statement, StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(statement + ": " + response.body()).isEqualTo(200);
        return new JsonObject(response.body()).getJsonArray("results").getJsonObject(0);
    }

    private long storedCount() throws Exception {
        JsonObject result = influxQuery("SELECT count(value) FROM \"raw\".\"reading\"");
        JsonArray series = result.getJsonArray("series");
        return series == null ? 0 : series.getJsonObject(0).getJsonArray("values").getJsonArray(0).getLong(1);
    }

}
