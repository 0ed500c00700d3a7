package coop.steward.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import coop.steward.collector.CollectorSettings;
import coop.steward.collector.ingest.IngestSettings;
import coop.steward.testsupport.RawMqtt;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What one client can send must never stop ingest for everyone: poisoned topics, the largest messages the contract
 * allows and bigger ones, a burst from many clients. Each against a real Mosquitto and the demo's embedded broker,
 * with real clients (mosquitto_pub, Paho, and raw MQTT bytes for what client libraries refuse to send).
 */
class HostileTrafficTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String SITE = "hostile-site";
    /**
     * Recent, so the store's upkeep never takes them for old data whatever the date, and far enough back that a
     * burst's readings, a tenth of a second apart, all stay in the past.
     */
    private static final long T0 = System.currentTimeMillis() / 1000 * 1000 - 6 * 3_600_000;

    @org.junit.jupiter.api.io.TempDir
    Path tmp;
    private BrokerKind.Running broker;
    private RunningCollector collector;

    private void start(BrokerKind kind) throws Exception {
        broker = kind.start(tmp.resolve("broker"));
        IngestSettings ingest = new IngestSettings(broker.url(), "hostile-test-collector", null, null, 2_000, 20_000);
        collector = RunningCollector.start(new CollectorSettings(ingest, "127.0.0.1", 0, tmp.resolve("store")));
        await().atMost(WAIT).until(() -> get("/health").statusCode() == 200);
    }

    @AfterEach
    void stop() throws Exception {
        if (collector != null) {
            collector.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @ParameterizedTest
    @EnumSource(BrokerKind.class)
    void poisonedTopics_areRejected_andGoodReadingsAfterThemAreStored(BrokerKind kind) throws Exception {
        start(kind);
        // The issue's own: a fullwidth letter with mosquitto_pub; then what client libraries refuse to send.
        mosquittoPub("steward/v1/\uFF48x/d1/readings", "{}");
        for (String topic : List.of("steward/v1/\uD83C\uDF31/d1/readings", "steward/v1/\uFDD0x/d1/readings",
                "steward/v1/x\u0001/d1/readings", "steward/v1/a\u0000b/d1/readings", "steward/v1/\uFFFF/d1/status",
                "steward/v1/site/d1/readings/\u202E", "steward/v1/" + "s".repeat(60_000) + "/d1/readings")) {
            RawMqtt.publish(broker.port(), topic, "{\"v\": 1}".getBytes(StandardCharsets.UTF_8));
        }

        for (int seq = 0; seq < 3; seq++) {
            mosquittoPub("steward/v1/" + SITE + "/bed-1/readings", message("bed-1", seq, T0 + seq * 1_000L, 1));
        }

        await().atMost(WAIT).untilAsserted(() -> assertThat(storedCount("bed-1")).isEqualTo(3));
        assertThat(rejectedTopics()).contains("steward/v1/\uFF48x/d1/readings", "steward/v1/\uD83C\uDF31/d1/readings");
        assertThat(get("/health").statusCode()).isEqualTo(200);
        assertThat(metric("steward_mqtt_connection_losses_total")).as("the collector never lost its broker").isZero();
    }

    /** Every client resends unacknowledged messages flagged DUP after a reconnect; one such killed Moquette 0.17. */
    @ParameterizedTest
    @EnumSource(BrokerKind.class)
    void aResendFlaggedDup_isStored_andEveryClientAfterItIsServed(BrokerKind kind) throws Exception {
        start(kind);
        assertThat(RawMqtt.publish(broker.port(), "steward/v1/" + SITE + "/bed-6/readings",
                message("bed-6", 1, T0, 3).getBytes(StandardCharsets.UTF_8), true)).isEqualTo(RawMqtt.Outcome.ACKNOWLEDGED);
        for (int client = 0; client < 10; client++) {
            assertThat(RawMqtt.publish(broker.port(), "steward/v1/" + SITE + "/bed-6/readings",
                    message("bed-6", 2 + client, T0 + 10_000L * (client + 1), 1).getBytes(StandardCharsets.UTF_8)))
                    .as("client %d after the DUP", client).isEqualTo(RawMqtt.Outcome.ACKNOWLEDGED);
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(storedCount("bed-6")).isEqualTo(13));
        assertThat(metric("steward_mqtt_connection_losses_total")).isZero();
    }

    @ParameterizedTest
    @EnumSource(BrokerKind.class)
    void theLargestMessagesTheContractAllows_areStored(BrokerKind kind) throws Exception {
        start(kind);
        Path file = Files.writeString(tmp.resolve("200.json"), message("bed-2", 1, T0, 200));
        Process pub = new ProcessBuilder("mosquitto_pub", "-p", Integer.toString(broker.port()), "-q", "1", "-t",
                "steward/v1/" + SITE + "/bed-2/readings", "-f", file.toString()).redirectErrorStream(true).start();
        assertThat(pub.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(pub.exitValue()).as(new String(pub.getInputStream().readAllBytes())).isZero();

        int largest = readingsFitting(256 * 1024);
        String json = message("bed-3", 1, T0, largest);
        assertThat(json.getBytes(StandardCharsets.UTF_8).length).isBetween(250 * 1024, 256 * 1024);
        assertThat(RawMqtt.publish(broker.port(), "steward/v1/" + SITE + "/bed-3/readings",
                json.getBytes(StandardCharsets.UTF_8))).isEqualTo(RawMqtt.Outcome.ACKNOWLEDGED);

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(storedCount("bed-2")).isEqualTo(200);
            assertThat(storedCount("bed-3")).isEqualTo(largest);
        });
    }

    @ParameterizedTest
    @EnumSource(BrokerKind.class)
    void aMessageOverTheLimit_isRefused_andIngestGoesOn(BrokerKind kind) throws Exception {
        start(kind);
        String topic = "steward/v1/" + SITE + "/bed-4/readings";
        byte[] over = message("bed-4", 1, T0, readingsFitting(300 * 1024)).getBytes(StandardCharsets.UTF_8);
        assertThat(RawMqtt.publish(broker.port(), topic, over)).isEqualTo(RawMqtt.Outcome.ACKNOWLEDGED);
        await().atMost(WAIT).untilAsserted(() -> assertThat(rejected()).anySatisfy(r -> {
            assertThat(r.getString("reason")).isEqualTo("too_large");
            assertThat(r.getString("topic")).isEqualTo(topic);
        }));

        // Past the broker's own limit (message_size_limit, docs/deployment.md) the message is acknowledged and
        // dropped, and its sender stays connected.
        byte[] farOver = message("bed-4", 2, T0, readingsFitting(2 * 1024 * 1024)).getBytes(StandardCharsets.UTF_8);
        assertThat(RawMqtt.publish(broker.port(), topic, farOver)).isEqualTo(RawMqtt.Outcome.ACKNOWLEDGED);
        mosquittoPub(topic, message("bed-4", 3, T0, 5));
        await().atMost(WAIT).untilAsserted(() -> assertThat(storedCount("bed-4")).isEqualTo(5));
        assertThat(get("/health").statusCode()).isEqualTo(200);
        assertThat(metric("steward_mqtt_connection_losses_total")).isZero();
    }

    /**
     * 20 clients each publish 5,000 QoS 1 messages as fast as their window of 20 lets them, of mixed sizes: most
     * of a few readings, every 100th of 500, a few of 2,000 (180 KB). Whatever a broker acknowledged is stored,
     * and the collector stays connected and healthy throughout.
     */
    @ParameterizedTest
    @EnumSource(BrokerKind.class)
    void aBurstFromManyClients_losesNothingTheBrokerAcknowledged(BrokerKind kind) throws Exception {
        start(kind);
        int clients = 20;
        int messages = 5_000;
        AtomicLong acknowledged = new AtomicLong();
        List<Throwable> publishFailures = new CopyOnWriteArrayList<>();
        List<Integer> unhealthy = new CopyOnWriteArrayList<>();
        AtomicBoolean bursting = new AtomicBoolean(true);
        Thread watcher = new Thread(() -> {
            while (bursting.get()) {
                try {
                    int status = get("/health").statusCode();
                    if (status != 200) {
                        unhealthy.add(status);
                    }
                    Thread.sleep(200);
                } catch (Exception e) {
                    unhealthy.add(-1);
                }
            }
        });
        watcher.start();
        List<Thread> publishers = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            String device = "burst-" + c;
            Thread publisher = new Thread(() -> {
                try {
                    acknowledged.addAndGet(burst(device, messages));
                } catch (Exception e) {
                    publishFailures.add(e);
                }
            });
            publisher.start();
            publishers.add(publisher);
        }
        for (Thread publisher : publishers) {
            publisher.join(TimeUnit.MINUTES.toMillis(3));
        }
        assertThat(publishFailures).isEmpty();
        assertThat(acknowledged.get()).isGreaterThan(clients * (long) messages);

        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(metric("steward_readings_stored_total")).isEqualTo(acknowledged.get()));
        bursting.set(false);
        watcher.join();
        long served = 0;
        for (int c = 0; c < clients; c++) {
            served += storedCount("burst-" + c);
        }
        assertThat(served).isEqualTo(acknowledged.get());
        assertThat(unhealthy).as("/health answers during the burst").isEmpty();
        assertThat(metric("steward_mqtt_connection_losses_total")).isZero();
    }

    /** Publishes {@code messages} QoS 1 messages with at most 20 in flight; the readings the broker acknowledged. */
    private long burst(String device, int messages) throws MqttException {
        MqttAsyncClient client = new MqttAsyncClient(broker.url(), device, new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMaxInflight(40); // above the 20 this keeps in flight: Paho frees a slot after the token completes
        client.connect(options).waitForCompletion(10_000);
        Deque<IMqttDeliveryToken> inFlight = new ArrayDeque<>();
        Deque<Integer> sizes = new ArrayDeque<>();
        long acknowledged = 0;
        long t = T0;
        for (int m = 0; m < messages; m++) {
            int size = m % 1_000 == 999 ? 2_000 : m % 100 == 50 ? 500 : 1 + m % 7;
            MqttMessage message = new MqttMessage(message(device, m, t, size).getBytes(StandardCharsets.UTF_8));
            message.setQos(1);
            t += size * 100L;
            if (inFlight.size() == 20) {
                inFlight.removeFirst().waitForCompletion(60_000);
                acknowledged += sizes.removeFirst();
            }
            inFlight.add(publish(client, "steward/v1/" + SITE + "/" + device + "/readings", message));
            sizes.add(size);
        }
        while (!inFlight.isEmpty()) {
            inFlight.removeFirst().waitForCompletion(60_000);
            acknowledged += sizes.removeFirst();
        }
        client.disconnect().waitForCompletion(10_000);
        client.close();
        return acknowledged;
    }

    /** Paho may still count a completed token as in progress for a moment: then it waits and tries again. */
    private static IMqttDeliveryToken publish(MqttAsyncClient client, String topic, MqttMessage message)
            throws MqttException {
        while (true) {
            try {
                return client.publish(topic, message);
            } catch (MqttException e) {
                if (e.getReasonCode() != MqttException.REASON_CODE_MAX_INFLIGHT) {
                    throw e;
                }
                Thread.onSpinWait();
            }
        }
    }

    /** A readings message with {@code count} soil readings a tenth of a second apart from {@code t}. */
    private static String message(String device, long seq, long t, int count) {
        StringBuilder readings = new StringBuilder();
        for (int i = 0; i < count; i++) {
            readings.append(i == 0 ? "" : ",").append("{\"sensor\": \"soil-a\", \"kind\": \"soil_moisture\", \"t\": ")
                    .append(t + i * 100L).append(", \"value\": ").append(20 + i % 30).append(".5}");
        }
        return "{\"v\": 1, \"device\": \"" + device + "\", \"seq\": " + seq + ", \"readings\": [" + readings + "]}";
    }

    /** How many readings make the largest message of at most {@code bytes}. */
    private static int readingsFitting(int bytes) {
        int fits = 1;
        int tooMany = bytes;
        while (tooMany - fits > 1) {
            int middle = (fits + tooMany) >>> 1;
            if (message("bed-0", 1, T0, middle).getBytes(StandardCharsets.UTF_8).length <= bytes) {
                fits = middle;
            } else {
                tooMany = middle;
            }
        }
        return fits;
    }

    private void mosquittoPub(String topic, String payload) throws Exception {
        Process pub = new ProcessBuilder("mosquitto_pub", "-p", Integer.toString(broker.port()), "-q", "1", "-t",
                topic, "-m", payload).redirectErrorStream(true).start();
        assertThat(pub.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }

    private long storedCount(String device) throws Exception {
        return collector.storedCount(SITE, device, "soil-a");
    }

    private List<JsonObject> rejected() throws Exception {
        return collector.rejected();
    }

    private List<String> rejectedTopics() throws Exception {
        return rejected().stream().map(r -> r.getString("topic")).toList();
    }

    private long metric(String name) throws Exception {
        return collector.metric(name);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return collector.get(path);
    }
}
