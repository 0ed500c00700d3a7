package coop.steward.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coop.steward.testsupport.MosquittoBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BarePublisherTest {
    private static final String TOPIC = "steward/v1/bench/dev-0/readings";

    @TempDir
    Path dir;

    @Test
    void everyMessageArrivesOnceAndInOrder_throughAWindowThatFillsManyTimes() throws Exception {
        int count = 3_000;
        List<byte[]> payloads = IntStream.range(0, count)
                .mapToObj(i -> ("m-" + i).getBytes(StandardCharsets.UTF_8)).toList();
        List<String> received = Collections.synchronizedList(new ArrayList<>());
        // The broker as a collector's is deployed: with its default queue of 1,000 messages it would drop some.
        try (MosquittoBroker broker = MosquittoBroker.start(dir, MosquittoBroker.AS_DEPLOYED.toArray(String[]::new))) {
            MqttClient subscriber = new MqttClient(broker.url(), "counter", new MemoryPersistence());
            subscriber.connect();
            subscriber.subscribe(TOPIC, 1,
                    (topic, message) -> received.add(new String(message.getPayload(), StandardCharsets.UTF_8)));

            BarePublisher.publish(broker.url(), "pub", BarePublisher.packets(TOPIC, payloads), 50);

            long deadline = System.nanoTime() + 30_000_000_000L;
            while (received.size() < count && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            subscriber.disconnect();
            subscriber.close();
        }
        assertThat(received).isEqualTo(IntStream.range(0, count).mapToObj(i -> "m-" + i).toList());
    }

    @Test
    void theBrokerAcknowledgesEveryMessage_pastTheLastPacketIdentifier() throws Exception {
        // Identifiers run out at 65,535 and start again at 1: 0 is no identifier, and Mosquitto hangs up on it.
        List<byte[]> payloads = Collections.nCopies(70_000, new byte[] {'x'});
        try (MosquittoBroker broker = MosquittoBroker.start(dir)) {
            BarePublisher.publish(broker.url(), "pub", BarePublisher.packets(TOPIC, payloads), 500);
        }
    }

    @Test
    void aBrokerThatClosesTheConnection_failsThePublishNamingTheClient_insteadOfWaiting() {
        try (MosquittoBroker broker = MosquittoBroker.start(dir, "max_packet_size 100")) {
            List<byte[]> payloads = List.of(new byte[10], new byte[500], new byte[10]);

            assertThatThrownBy(() -> BarePublisher.publish(broker.url(), "pub-7",
                    BarePublisher.packets(TOPIC, payloads), 10))
                    .hasMessageContaining("pub-7")
                    .hasMessageContaining("closed the connection");
        }
    }
}
