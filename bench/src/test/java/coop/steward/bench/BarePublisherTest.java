package coop.steward.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coop.steward.testsupport.MosquittoBroker;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
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

    @Test
    @Timeout(30)
    void publishReturnsOnlyOnceTheLastMessageIsAcknowledged_andNeverHasMoreThanTheWindowUnacknowledged()
            throws Exception {
        try (FakeBroker broker = new FakeBroker(0, true)) {
            CompletableFuture<Void> published = CompletableFuture.runAsync(() -> publish(broker, "pub", 20, 5));

            assertThat(broker.lastWindowReceived.await(10, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(200); // time to return, were it to return early
            assertThat(published).isNotDone();
            broker.releaseLastWindow.countDown();
            published.get(10, TimeUnit.SECONDS);
            assertThat(broker.received.get()).isEqualTo(20);
            assertThat(broker.moreThanTheWindow).isFalse();
        }
    }

    @Test
    @Timeout(30)
    void aBrokerThatStopsAcknowledging_failsThePublishNamingTheClient_afterTheSilenceGiven() throws Exception {
        try (FakeBroker broker = new FakeBroker(0, false)) {
            assertThatThrownBy(() -> BarePublisher.publish("tcp://127.0.0.1:" + broker.port(), "pub-3",
                    BarePublisher.packets(TOPIC, Collections.nCopies(20, new byte[] {'x'})), 5, Duration.ofSeconds(1)))
                    .hasMessageContaining("pub-3")
                    .hasMessageContaining("acknowledged nothing for 1 s");
        }
    }

    @Test
    @Timeout(30)
    void aRefusedConnection_failsThePublishNamingTheClientAndTheReturnCode() throws Exception {
        try (FakeBroker broker = new FakeBroker(5, true)) {
            assertThatThrownBy(() -> publish(broker, "pub-4", 1, 1))
                    .hasMessageContaining("pub-4")
                    .hasMessageContaining("return code 5");
        }
    }

    private static void publish(FakeBroker broker, String clientId, int messages, int window) {
        try {
            BarePublisher.publish("tcp://127.0.0.1:" + broker.port(), clientId,
                    BarePublisher.packets(TOPIC, Collections.nCopies(messages, new byte[] {'x'})), window);
        } catch (Exception e) {
            throw new CompletionException(e);
        }
    }

    /**
     * A broker that answers CONNECT with {@code returnCode} and then, if it {@code acknowledges}, takes messages a
     * window at a time (the window of {@link #publish}: 5), looks for any beyond it, and acknowledges them; the last
     * window only once {@link #releaseLastWindow} opens.
     */
    private static final class FakeBroker implements AutoCloseable {
        private static final int WINDOW = 5;
        private final ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        private final Thread thread;
        final AtomicInteger received = new AtomicInteger();
        final CountDownLatch lastWindowReceived = new CountDownLatch(1);
        final CountDownLatch releaseLastWindow = new CountDownLatch(1);
        volatile boolean moreThanTheWindow;

        FakeBroker(int returnCode, boolean acknowledges) throws IOException {
            thread = new Thread(() -> serve(returnCode, acknowledges), "fake-broker");
            thread.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void serve(int returnCode, boolean acknowledges) {
            try (Socket socket = server.accept()) {
                DataInputStream in = new DataInputStream(socket.getInputStream());
                OutputStream out = socket.getOutputStream();
                readPacket(in);
                out.write(new byte[] {0x20, 2, 0, (byte) returnCode});
                List<Integer> unacknowledged = new ArrayList<>();
                while (acknowledges) {
                    byte[] body = readPacket(in);
                    if (body == null) {
                        return; // DISCONNECT, or the connection closed
                    }
                    int topicLength = ((body[0] & 0xff) << 8) | (body[1] & 0xff);
                    unacknowledged.add(((body[2 + topicLength] & 0xff) << 8) | (body[3 + topicLength] & 0xff));
                    received.incrementAndGet();
                    if (unacknowledged.size() == WINDOW) {
                        Thread.sleep(100);
                        moreThanTheWindow |= in.available() > 0;
                        if (received.get() == 20) {
                            lastWindowReceived.countDown();
                            releaseLastWindow.await();
                        }
                        for (int id : unacknowledged) {
                            out.write(new byte[] {0x40, 2, (byte) (id >> 8), (byte) id});
                        }
                        unacknowledged.clear();
                    }
                }
                while (in.read() >= 0) {
                    // takes what comes and acknowledges nothing
                }
            } catch (IOException | InterruptedException e) {
                // the test is over
            }
        }

        /** The body of the next packet, or null for a DISCONNECT or the end of the stream. */
        private static byte[] readPacket(DataInputStream in) throws IOException {
            int header = in.read();
            if (header < 0 || header == 0xe0) {
                return null;
            }
            return PacketBodies.read(in);
        }

        @Override
        public void close() throws Exception {
            releaseLastWindow.countDown();
            server.close();
            thread.interrupt();
            thread.join(5_000);
        }
    }
}

