package coop.steward.launcher.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import coop.steward.testsupport.FreePort;
import coop.steward.testsupport.RawMqtt;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The demo's broker with real clients (Paho, mosquitto_pub): what MQTT 3.1.1 and Mosquitto users count on. */
class EmbeddedBrokerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path tmp;
    private EmbeddedBroker broker;
    private final List<MqttClient> clients = new ArrayList<>();

    @AfterEach
    void stop() {
        for (MqttClient client : clients) {
            try {
                if (client.isConnected()) {
                    client.disconnect();
                }
                client.close();
            } catch (Exception e) {
                // already gone
            }
        }
        if (broker != null) {
            broker.close();
        }
    }

    private void start() throws Exception {
        broker = EmbeddedBroker.start("127.0.0.1", FreePort.find(), tmp.resolve("broker"));
    }

    @ParameterizedTest
    @CsvSource({
            "a/b/c, a/b/c, true", "a/+/c, a/b/c, true", "a/+, a/b/c, false", "a/#, a/b/c, true", "a/#, a, true",
            "#, a/b, true", "+/+, a/b, true", "+, a/b, false", "a/b, a/b/c, false", "#, $SYS/x, false",
            "$SYS/#, $SYS/x, true", "steward/v1/+/+/readings, steward/v1/g/d/readings, true",
            "steward/v1/+/+/readings, steward/v1/g/d/readings/ack, false"})
    void topicFilters_matchAsMqttSays(String filter, String topic, boolean matches) {
        assertThat(TopicFilter.isValidFilter(filter)).isTrue();
        assertThat(TopicFilter.matches(filter, topic)).isEqualTo(matches);
    }

    @Test
    void malformedFilters_andTopicsWithWildcards_areRefused() {
        assertThat(List.of("a/#/b", "a/b#", "a+/b", "")).allSatisfy(f -> assertThat(TopicFilter.isValidFilter(f))
                .as(f).isFalse());
        assertThat(List.of("a/+", "a/#", "", "a\u0000b")).allSatisfy(t -> assertThat(TopicFilter.isValidTopic(t))
                .as(t).isFalse());
    }

    @Test
    void aRetainedMessage_reachesALaterSubscriber_andAnEmptyOneClearsIt() throws Exception {
        start();
        MqttClient publisher = connect("publisher", true);
        publisher.publish("site/status", "online".getBytes(StandardCharsets.UTF_8), 1, true);

        List<String> seen = new CopyOnWriteArrayList<>();
        connect("late", true).subscribe("site/+", 1, (topic, m) -> seen.add(topic + "=" + new String(m.getPayload())
                + (m.isRetained() ? " (retained)" : "")));
        await().atMost(WAIT).until(() -> seen.contains("site/status=online (retained)"));

        publisher.publish("site/status", new byte[0], 1, true);
        List<String> later = new CopyOnWriteArrayList<>();
        connect("later", true).subscribe("site/#", 1, (topic, m) -> later.add(topic));
        publisher.publish("site/other", "x".getBytes(StandardCharsets.UTF_8), 1, false);
        await().atMost(WAIT).until(() -> later.contains("site/other"));
        assertThat(later).doesNotContain("site/status");
    }

    @Test
    void aPersistentSession_keepsWhatArrivesWhileItsClientIsAway_andAcrossARestart() throws Exception {
        start();
        connect("collector", false).subscribe("readings/#", 1);
        clients.get(0).disconnect();
        MqttClient device = connect("device", true);
        for (int i = 0; i < 5; i++) {
            device.publish("readings/" + i, ("m" + i).getBytes(StandardCharsets.UTF_8), 1, false);
        }
        device.publish("status", "online".getBytes(StandardCharsets.UTF_8), 1, true);
        device.disconnect();

        broker.close();
        broker = EmbeddedBroker.start("127.0.0.1", broker.port(), tmp.resolve("broker"));

        List<String> seen = new CopyOnWriteArrayList<>();
        MqttClient again = client("collector");
        again.setCallback(listener(seen));
        again.connect(options(false));
        await().atMost(WAIT).until(() -> seen.size() == 5);
        assertThat(seen).containsExactly("readings/0", "readings/1", "readings/2", "readings/3", "readings/4");
        List<String> status = new CopyOnWriteArrayList<>();
        connect("reader", true).subscribe("status", 1, (topic, m) -> status.add(new String(m.getPayload())));
        await().atMost(WAIT).until(() -> status.contains("online"));
    }

    @Test
    void aSubscriberThatStopsReading_neverKeepsTheBrokerFromAcknowledgingOthers() throws Exception {
        start();
        try (java.net.Socket stuck = new java.net.Socket()) {
            stuck.setReceiveBufferSize(1024);
            stuck.connect(new java.net.InetSocketAddress("127.0.0.1", broker.port()));
            java.io.OutputStream out = stuck.getOutputStream();
            java.io.InputStream in = stuck.getInputStream();
            byte[] id = "stuck".getBytes(StandardCharsets.US_ASCII);
            out.write(new byte[] {0x10, (byte) (12 + id.length), 0, 4, 'M', 'Q', 'T', 'T', 4, 2, 0, 0, 0,
                    (byte) id.length});
            out.write(id);
            out.write(RawMqtt.subscribePacket("#", 1, 0));
            out.flush();
            in.readNBytes(4 + 5); // CONNACK and SUBACK; after that it reads nothing more
            MqttClient flood = connect("flood", true);
            byte[] big = new byte[64 * 1024];
            for (int i = 0; i < 400; i++) {
                flood.publish("flood/" + i, big, 0, false);
            }
            out.write(new byte[] {(byte) 0xe0, 0}); // DISCONNECT, behind a socket that will not drain
            out.flush();

            MqttClient other = client("other");
            other.setTimeToWait(10_000); // a PUBACK that never comes fails the test instead of hanging it
            MqttConnectOptions options = options(true);
            options.setConnectionTimeout(5);
            other.connect(options);
            other.publish("after/flood", "still served".getBytes(StandardCharsets.UTF_8), 1, false);
            assertThat(other.isConnected()).isTrue(); // the PUBACK came: publish() waits for it
        }
    }

    /** In raw packets: Paho itself refuses characters beyond U+FFFF, which MQTT allows. */
    @Test
    void aFilterOfAnyLengthMqttAllows_survivesARestart() throws Exception {
        start();
        String filter = "\uD83C\uDF31".repeat(16_000); // 64,000 bytes of UTF-8
        try (java.net.Socket session = rawConnect("long", false)) {
            session.getOutputStream().write(RawMqtt.subscribePacket(filter, 1, 1));
            session.getOutputStream().flush();
            session.getInputStream().readNBytes(5); // SUBACK
            rawPacket(session, 0xe0, new byte[0]);
        }
        assertThat(RawMqtt.publish(broker.port(), filter, "kept".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(RawMqtt.Outcome.ACKNOWLEDGED);

        broker.close();
        broker = EmbeddedBroker.start("127.0.0.1", broker.port(), tmp.resolve("broker"));

        try (java.net.Socket again = rawConnect("long", false)) {
            java.io.DataInputStream in = new java.io.DataInputStream(again.getInputStream());
            assertThat(in.readUnsignedByte() & 0xf0).as("a PUBLISH kept for the session").isEqualTo(0x30);
            for (int b = in.readUnsignedByte(); (b & 0x80) != 0; b = in.readUnsignedByte()) {
                // the remaining length, not needed: the topic's own length follows
            }
            byte[] topic = in.readNBytes(in.readUnsignedShort());
            assertThat(new String(topic, StandardCharsets.UTF_8)).isEqualTo(filter);
        }
    }

    /** A raw MQTT 3.1.1 connection, CONNACK read. */
    private java.net.Socket rawConnect(String clientId, boolean cleanSession) throws Exception {
        java.net.Socket socket = new java.net.Socket("127.0.0.1", broker.port());
        socket.setSoTimeout(10_000);
        byte[] id = clientId.getBytes(StandardCharsets.US_ASCII);
        java.io.ByteArrayOutputStream connect = new java.io.ByteArrayOutputStream();
        connect.writeBytes(new byte[] {0, 4, 'M', 'Q', 'T', 'T', 4, (byte) (cleanSession ? 2 : 0), 0, 60, 0,
                (byte) id.length});
        connect.writeBytes(id);
        rawPacket(socket, 0x10, connect.toByteArray());
        assertThat(socket.getInputStream().readNBytes(4)[3]).as("connection accepted").isZero();
        return socket;
    }

    private static void rawPacket(java.net.Socket socket, int header, byte[] body) throws Exception {
        RawMqtt.packet(socket.getOutputStream(), header, body);
    }

    @Test
    void aClientThatVanishesWithoutSayingGoodbye_hasItsWillPublished() throws Exception {
        start();
        List<String> seen = new CopyOnWriteArrayList<>();
        connect("watcher", true).subscribe("devices/+/status", 1, (topic, m) -> seen.add(new String(m.getPayload())));
        MqttClient device = client("device-1");
        MqttConnectOptions options = options(true);
        options.setWill("devices/device-1/status", "offline".getBytes(StandardCharsets.UTF_8), 1, true);
        device.connect(options);

        device.disconnectForcibly(0, 100, false); // the socket closes, no DISCONNECT: a power cut

        await().atMost(WAIT).until(() -> seen.contains("offline"));
    }

    @Test
    void aSecondConnectionWithTheSameClientId_takesTheSessionOver() throws Exception {
        start();
        AtomicBoolean firstLost = new AtomicBoolean();
        MqttClient first = client("steward-collector");
        first.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                firstLost.set(true);
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        first.connect(options(false));
        first.subscribe("x/#", 1);

        List<String> seen = new CopyOnWriteArrayList<>();
        MqttClient second = client("steward-collector");
        second.setCallback(listener(seen));
        second.connect(options(false));
        connect("publisher", true).publish("x/1", "v".getBytes(StandardCharsets.UTF_8), 1, false);

        await().atMost(WAIT).until(firstLost::get);
        await().atMost(WAIT).until(() -> seen.contains("x/1")); // the session, and its subscription, moved over
    }

    @Test
    void aQos2MessageFromMosquittoPub_isDeliveredOnce() throws Exception {
        start();
        List<String> seen = new CopyOnWriteArrayList<>();
        connect("subscriber", true).subscribe("q2/#", 2, (topic, m) -> seen.add(topic));

        Process pub = new ProcessBuilder("mosquitto_pub", "-p", Integer.toString(broker.port()), "-q", "2", "-t",
                "q2/once", "-m", "hello").redirectErrorStream(true).start();
        assertThat(pub.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(pub.exitValue()).isZero();

        await().atMost(WAIT).until(() -> seen.contains("q2/once"));
        // Exactly once: no second copy comes in the half second after the first.
        await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> seen.size() == 1);
    }

    @Test
    void publishingToAWildcardTopic_closesThatConnectionOnly() throws Exception {
        start();
        List<String> seen = new CopyOnWriteArrayList<>();
        connect("subscriber", true).subscribe("#", 1, (topic, m) -> seen.add(topic));

        assertThat(RawMqtt.publish(broker.port(), "bad/+/topic", new byte[] {1})).isEqualTo(
                RawMqtt.Outcome.CONNECTION_CLOSED);
        assertThat(RawMqtt.publish(broker.port(), "good/topic", new byte[] {1})).isEqualTo(
                RawMqtt.Outcome.ACKNOWLEDGED);
        await().atMost(WAIT).until(() -> seen.contains("good/topic"));
        assertThat(seen).doesNotContain("bad/+/topic");
        assertThat(clients.get(0).isConnected()).isTrue();
    }

    private MqttClient connect(String clientId, boolean cleanSession) throws Exception {
        MqttClient client = client(clientId);
        client.connect(options(cleanSession));
        return client;
    }

    private MqttClient client(String clientId) throws Exception {
        MqttClient client = new MqttClient("tcp://127.0.0.1:" + broker.port(), clientId, new MemoryPersistence());
        clients.add(client);
        return client;
    }

    private static MqttConnectOptions options(boolean cleanSession) {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(cleanSession);
        return options;
    }

    private static MqttCallback listener(List<String> seen) {
        return new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                seen.add(topic);
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        };
    }
}
