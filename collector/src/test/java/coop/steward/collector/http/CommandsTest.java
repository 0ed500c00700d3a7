package coop.steward.collector.http;

import static org.assertj.core.api.Assertions.assertThat;

import coop.steward.collector.Collector;
import coop.steward.collector.CollectorSettings;
import coop.steward.collector.ingest.IngestSettings;
import coop.steward.testsupport.MosquittoBroker;
import io.vertx.core.Vertx;
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
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands from the dashboard on an open collector, against a real broker and a device played by a test client: only
 * the dashboard's own origin may send one, and only the device it went to may answer it, as the contract says.
 */
class CommandsTest {
    @TempDir
    Path tmp;
    private MosquittoBroker broker;
    private Vertx vertx;
    private Collector collector;
    private MqttClient device;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        broker = MosquittoBroker.start(tmp.resolve("mosquitto"));
        vertx = Vertx.vertx();
        collector = Collector.start(vertx, new CollectorSettings(new IngestSettings(broker.url(), "commands-test",
                null, null, 1_000, 20_000), "127.0.0.1", 0, tmp.resolve("data"))).await(30, TimeUnit.SECONDS);
        device = new MqttClient(broker.url(), "bed-1", new MemoryPersistence());
        device.connect();
        Thread.sleep(1_500); // the collector's commands connection subscribed
    }

    @AfterEach
    void stop() throws Exception {
        device.disconnect();
        collector.stop().await(10, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
        broker.close();
    }

    @Test
    void anotherWebSite_cannotWater_evenOnAnOpenCollector() throws Exception {
        HttpResponse<String> forged = command("https://evil.example");
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(new JsonObject(forged.body()).getString("error")).contains("another web site");
    }

    @Test
    void onlyTheDeviceTheCommandWentTo_answersIt_andOnlyAsTheContractSays() throws Exception {
        device.subscribe("steward/v1/food-forest/bed-1/cmd", 1, (topic, message) -> {
            String id = new JsonObject(new String(message.getPayload(), StandardCharsets.UTF_8)).getString("id");
            // First a forgery from another device, then nonsense from the right one, then its true answer: in
            // that order, from one thread, off Paho's (which may not publish from its own callback).
            publish(List.of("steward/v1/other-site/evil/cmd/ack", "{\"v\":1,\"id\":\"" + id + "\",\"outcome\":"
                            + "\"done\",\"state\":1,\"reason\":\"forged\"}",
                    "steward/v1/food-forest/bed-1/cmd/ack", "{\"v\":1,\"id\":\"" + id + "\",\"outcome\":"
                            + "\"<b>ok</b>\",\"state\":7}",
                    "steward/v1/food-forest/bed-1/cmd/ack", "{\"v\":1,\"id\":\"" + id + "\",\"outcome\":"
                            + "\"refused\",\"reason\":\"" + "r".repeat(5_000) + "\",\"state\":0}"));
        });

        HttpResponse<String> answer = command("http://127.0.0.1:" + collector.httpPort());

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonObject command = new JsonObject(answer.body());
        assertThat(command.getString("outcome")).isEqualTo("refused");
        assertThat(command.getInteger("state")).isZero();
        assertThat(command.getString("reason")).hasSizeLessThanOrEqualTo(300);
    }

    /** Topic, payload, topic, payload...: published in order, each once the broker took the one before. */
    private void publish(List<String> topicsAndPayloads) {
        new Thread(() -> {
            try {
                for (int i = 0; i < topicsAndPayloads.size(); i += 2) {
                    device.publish(topicsAndPayloads.get(i),
                            topicsAndPayloads.get(i + 1).getBytes(StandardCharsets.UTF_8), 1, false);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).start();
    }

    private HttpResponse<String> command(String origin) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + collector.httpPort()
                        + "/api/v1/commands")).header("Origin", origin).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("{\"site\": \"food-forest\", \"device\": \"bed-1\", "
                        + "\"actuator\": \"valve\", \"action\": \"open\", \"seconds\": 60}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
