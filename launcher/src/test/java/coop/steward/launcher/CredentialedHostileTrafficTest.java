package coop.steward.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import coop.steward.collector.CollectorSettings;
import coop.steward.collector.config.CollectorConfig;
import coop.steward.collector.ingest.IngestSettings;
import coop.steward.config.DeviceConfig;
import coop.steward.config.DeviceConfigLoader;
import coop.steward.launcher.broker.EmbeddedBroker;
import coop.steward.launcher.identity.Identities;
import coop.steward.launcher.identity.IdentityFolder;
import coop.steward.launcher.identity.ListenerSettings;
import coop.steward.testsupport.FreePort;
import coop.steward.testsupport.MosquittoBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Identities on, and four devices whose credentials are valid turned hostile: 10,000 messages of garbage, invalid
 * UTF-8, invented sensors by the thousand, oversized statuses, and readings, acks and commands forged for a good
 * device, all while two good devices send 10,000 readings. Against a real Mosquitto running the generated
 * configuration, and against the demo's broker holding the same accounts.
 */
class CredentialedHostileTrafficTest {
    private static final String SITE = "hostile-site";
    private static final int HOSTILE_PER_DEVICE = 2_500;
    private static final int GOOD_MESSAGES = 500;
    private static final int READINGS_PER_GOOD_MESSAGE = 10;
    private static final int MAX_SERIES = 2_000;
    private static final long T0 = System.currentTimeMillis() / 1000 * 1000 - 6 * 3_600_000;

    enum Kind { MOSQUITTO, EMBEDDED }

    @TempDir
    Path tmp;
    private int port;
    private IdentityFolder ids;
    private AutoCloseable broker;
    private RunningCollector collector;

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
    @EnumSource(Kind.class)
    void hostileDevicesWithValidCredentials_loseNoGoodReading_andCannotGrowTheCollector(Kind kind) throws Exception {
        start(kind, List.of("good-1", "good-2", "evil-1", "evil-2", "evil-3", "evil-4"));
        List<String> unhealthy = new CopyOnWriteArrayList<>();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread watcher = new Thread(() -> {
            while (running.get()) {
                try {
                    int status = collector.get("/health").statusCode();
                    if (status != 200) {
                        unhealthy.add("status " + status);
                    }
                    Thread.sleep(200);
                } catch (Exception e) {
                    unhealthy.add(e.toString());
                }
            }
        });
        watcher.start();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Thread> senders = new ArrayList<>();
        for (String device : List.of("good-1", "good-2")) {
            senders.add(sender(failures, () -> good(device)));
        }
        for (String device : List.of("evil-1", "evil-2", "evil-3", "evil-4")) {
            senders.add(sender(failures, () -> hostile(device)));
        }
        for (Thread sender : senders) {
            sender.join(TimeUnit.MINUTES.toMillis(3));
        }
        assertThat(failures).isEmpty();

        long good = (long) GOOD_MESSAGES * READINGS_PER_GOOD_MESSAGE;
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(storedCount("good-1")).isEqualTo(good);
            assertThat(storedCount("good-2")).isEqualTo(good);
        });
        running.set(false);
        watcher.join();
        assertThat(unhealthy).as("/health while it went on").isEmpty();
        assertThat(collector.metric("steward_mqtt_connection_losses_total")).isZero();
        assertThat(collector.metric("steward_series_known")).as("series kept").isEqualTo(MAX_SERIES);
        assertThat(collector.metric("steward_devices_known")).as("only the six devices that may publish").isEqualTo(6);
        assertThat(rejectedReasons()).contains("not_json", "not_utf8", "too_large", "too_many_series");
    }

    private void start(Kind kind, List<String> devices) throws Exception {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        port = FreePort.find();
        List<DeviceConfig> configs = new ArrayList<>();
        for (String device : devices) {
            configs.add(DeviceConfigLoader.parse("""
                    site: %s
                    device: %s
                    mqtt: {url: 'tcp://127.0.0.1:%d'}
                    sensors:
                      - {id: soil-a, kind: soil_moisture, intervalSeconds: 60, source: {type: simulated}}
                    """.formatted(SITE, device, port), device + ".yaml"));
        }
        ids = new IdentityFolder(tmp.resolve("identities"));
        ids.write(Identities.of(configs), ListenerSettings.plain(port, "127.0.0.1"));
        broker = kind == Kind.MOSQUITTO
                ? MosquittoBroker.startConfigured(tmp.resolve("mosquitto"), port, ids.mosquittoConf())
                : EmbeddedBroker.start("127.0.0.1", port, tmp.resolve("embedded"), ids.load());
        IngestSettings ingest = new IngestSettings("tcp://127.0.0.1:" + port, "steward-collector",
                Identities.COLLECTOR, ids.password(Identities.COLLECTOR), 2_000, 20_000);
        CollectorConfig limits = CollectorConfig.parse("store: {maxSeries: " + MAX_SERIES
                + ", maxSensorsPerDevice: 1000}\n", "collector.yaml");
        collector = RunningCollector.start(new CollectorSettings(ingest, "127.0.0.1", 0, tmp.resolve("store"))
                .with(limits));
        await().atMost(Duration.ofSeconds(20)).until(() -> collector.get("/health").statusCode() == 200);
    }

    private interface Send {
        void run() throws Exception;
    }

    private static Thread sender(List<Throwable> failures, Send send) {
        Thread thread = new Thread(() -> {
            try {
                send.run();
            } catch (Throwable e) {
                failures.add(e);
            }
        });
        thread.start();
        return thread;
    }

    private void good(String device) throws Exception {
        try (Window window = new Window(device)) {
            for (int m = 0; m < GOOD_MESSAGES; m++) {
                window.send(topic(device, "readings"), readings(device, m,
                        T0 + (long) m * READINGS_PER_GOOD_MESSAGE * 100, READINGS_PER_GOOD_MESSAGE, "soil-a"));
            }
        }
    }

    /** Everything a device may try from its own account, most of it where its ACL does not reach. */
    private void hostile(String device) throws Exception {
        byte[] invalidUtf8 = {'{', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, '}'};
        byte[] hugeStatus = ("{\"v\": 1, \"state\": \"online\", \"agent\": \"" + "x".repeat(20_000) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        try (Window window = new Window(device)) {
            for (int m = 0; m < HOSTILE_PER_DEVICE; m++) {
                switch (m % 6) {
                    case 0 -> window.send(topic(device, "readings"), "{{{ not json".getBytes(StandardCharsets.UTF_8));
                    case 1 -> window.send(topic(device, "readings"), invalidUtf8);
                    case 2 -> window.send(topic(device, "readings"), inventedSensors(device, m));
                    case 3 -> window.send(topic(device, "status"), hugeStatus);
                    // Forged for good-1, with times of their own: stored, they would show in its count.
                    case 4 -> window.send(topic("good-1", "readings"), readings("good-1", 1_000_000 + m,
                            T0 - 3_600_000 - m * 1_000L, 5, "soil-a"));
                    default -> window.send(topic("good-1", m % 12 == 5 ? "readings/ack" : "cmd"),
                            "{\"v\": 1, \"seq\": [[0, 1000000]]}".getBytes(StandardCharsets.UTF_8));
                }
            }
        }
    }

    private static byte[] inventedSensors(String device, int m) {
        StringBuilder readings = new StringBuilder();
        for (int k = 0; k < 20; k++) {
            readings.append(k == 0 ? "" : ",").append("{\"sensor\": \"x-").append(m).append('-').append(k)
                    .append("\", \"kind\": \"soil_moisture\", \"t\": ").append(T0 + m).append(", \"value\": 1}");
        }
        return ("{\"v\": 1, \"device\": \"" + device + "\", \"seq\": " + m + ", \"readings\": [" + readings + "]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] readings(String device, long seq, long t, int count, String sensor) {
        StringBuilder readings = new StringBuilder();
        for (int i = 0; i < count; i++) {
            readings.append(i == 0 ? "" : ",").append("{\"sensor\": \"").append(sensor)
                    .append("\", \"kind\": \"soil_moisture\", \"t\": ").append(t + i * 100L).append(", \"value\": ")
                    .append(20 + i % 30).append(".5}");
        }
        return ("{\"v\": 1, \"device\": \"" + device + "\", \"seq\": " + seq + ", \"readings\": [" + readings + "]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static String topic(String device, String channel) {
        return "steward/v1/" + SITE + "/" + device + "/" + channel;
    }

    /** One device's account, publishing QoS 1 with at most 20 messages waiting for the broker's PUBACK. */
    private final class Window implements AutoCloseable {
        private final MqttAsyncClient client;
        private final Deque<IMqttDeliveryToken> inFlight = new ArrayDeque<>();

        Window(String device) throws MqttException {
            String username = SITE + "." + device;
            client = new MqttAsyncClient("tcp://127.0.0.1:" + port, username, new MemoryPersistence());
            MqttConnectOptions options = new MqttConnectOptions();
            options.setUserName(username);
            options.setPassword(ids.password(username).toCharArray());
            options.setMaxInflight(40);
            client.connect(options).waitForCompletion(10_000);
        }

        void send(String topic, byte[] payload) throws MqttException {
            if (inFlight.size() == 20) {
                inFlight.removeFirst().waitForCompletion(60_000);
            }
            MqttMessage message = new MqttMessage(payload);
            message.setQos(1);
            while (true) {
                try {
                    inFlight.add(client.publish(topic, message));
                    return;
                } catch (MqttException e) {
                    if (e.getReasonCode() != MqttException.REASON_CODE_MAX_INFLIGHT) {
                        throw e;
                    }
                    Thread.onSpinWait();
                }
            }
        }

        @Override
        public void close() throws MqttException {
            while (!inFlight.isEmpty()) {
                inFlight.removeFirst().waitForCompletion(60_000);
            }
            client.disconnect().waitForCompletion(10_000);
            client.close();
        }
    }

    private long storedCount(String device) throws Exception {
        return collector.storedCount(SITE, device, "soil-a");
    }

    private List<String> rejectedReasons() throws Exception {
        return collector.rejected().stream().map(r -> r.getString("reason")).distinct().toList();
    }
}
