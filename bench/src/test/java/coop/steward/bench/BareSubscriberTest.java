package coop.steward.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coop.steward.testsupport.MosquittoBroker;
import coop.steward.testsupport.RawMqtt;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class BareSubscriberTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void everyMessageOfEachLoadIsCountedOnce_farPastWhatTheBrokerSendsUnacknowledged() throws Exception {
        // Mosquitto's default sends at most 20 messages unacknowledged: without its PUBACKs a run stops there.
        Load load = new Load(4, 600, 5, System.currentTimeMillis());
        try (MosquittoBroker broker = MosquittoBroker.start(dir);
             BareSubscriber subscriber = BareSubscriber.subscribe(broker.url(), "counter")) {
            for (Load each : new Load[] {load, load.next()}) {
                Goal all = subscriber.expect(600);
                each.prepare().publish(broker.url());
                subscriber.await(all, Duration.ofSeconds(20));
            }
            Thread.sleep(200); // a message too many, had any been sent twice, would arrive by now
            assertThat(subscriber.messages()).isEqualTo(1_200);
        }
    }

    @Test
    @Timeout(30)
    void aRunEndsWhenTheBrokerAnswersAPingSentBehindTheLastAcknowledgement_notAtTheLastMessage() throws Exception {
        try (PingingBroker broker = new PingingBroker(3);
             BareSubscriber subscriber = BareSubscriber.subscribe("tcp://127.0.0.1:" + broker.port(), "pinging")) {
            Goal all = subscriber.expect(3);
            broker.send.countDown();
            CompletableFuture<Void> run = CompletableFuture.runAsync(() -> {
                try {
                    subscriber.await(all, Duration.ofSeconds(20));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });

            assertThat(broker.pinged.await(10, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(200); // time to return, were it to return at the last message
            assertThat(run).isNotDone();
            assertThat(broker.read).containsExactly("PUBACK 1", "PUBACK 2", "PUBACK 3", "PINGREQ");
            broker.answer.countDown();
            run.get(10, TimeUnit.SECONDS);
            assertThat(subscriber.messages()).isEqualTo(3);
        }
    }

    @Test
    @Timeout(30)
    void aBrokerThatGoesAway_failsTheWaitAtOnce_insteadOfAfterTheLimit() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.start(dir);
             BareSubscriber subscriber = BareSubscriber.subscribe(broker.url(), "left")) {
            Goal one = subscriber.expect(1);
            broker.kill();

            assertThatThrownBy(() -> subscriber.await(one, Duration.ofSeconds(60)))
                    .hasMessageContaining("the bare subscriber failed");
        }
    }

    /**
     * A broker that takes the subscription, sends {@code messages} QoS 1 messages once {@link #send} opens, writes
     * down what the subscriber sends back, and answers its PINGREQ only once {@link #answer} opens.
     */
    private static final class PingingBroker implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        private final Thread thread;
        final CountDownLatch send = new CountDownLatch(1);
        final CountDownLatch pinged = new CountDownLatch(1);
        final CountDownLatch answer = new CountDownLatch(1);
        final List<String> read = new CopyOnWriteArrayList<>();

        PingingBroker(int messages) throws IOException {
            thread = new Thread(() -> serve(messages), "pinging-broker");
            thread.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void serve(int messages) {
            try (Socket socket = server.accept()) {
                DataInputStream in = new DataInputStream(socket.getInputStream());
                OutputStream out = socket.getOutputStream();
                in.read();
                PacketBodies.read(in); // CONNECT
                out.write(new byte[] {0x20, 2, 0, 0});
                in.read();
                PacketBodies.read(in); // SUBSCRIBE
                out.write(new byte[] {(byte) 0x90, 3, 0, 1, 1});
                send.await();
                for (int id = 1; id <= messages; id++) {
                    out.write(RawMqtt.publishPacket("steward/v1/site/device/readings", id, new byte[] {'x'}, false));
                }
                out.flush();
                while (true) {
                    int header = in.read();
                    if (header < 0) {
                        return;
                    }
                    byte[] body = PacketBodies.read(in);
                    if (header == 0x40) {
                        read.add("PUBACK " + (((body[0] & 0xff) << 8) | (body[1] & 0xff)));
                    } else if (header == 0xc0) {
                        read.add("PINGREQ");
                        pinged.countDown();
                        answer.await();
                        out.write(new byte[] {(byte) 0xd0, 0});
                    } else {
                        return;
                    }
                }
            } catch (IOException | InterruptedException e) {
                // the test is over
            }
        }

        @Override
        public void close() throws Exception {
            send.countDown();
            answer.countDown();
            server.close();
            thread.interrupt();
            thread.join(5_000);
        }
    }
}
