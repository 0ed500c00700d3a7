package coop.steward.bench;

import coop.steward.testsupport.RawMqtt;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The broker's own rate: a bare QoS 1 subscriber that only reads and acknowledges, as mosquitto_sub would. One MQTT
 * 3.1.1 connection with a clean session, read on one thread, every message received whole and acknowledged, the
 * acknowledgements written together whenever it has read all that has arrived. It stands beside the bare writer in
 * the cores' ceiling, which assumes that a collector does at least the work of both: a subscriber with costs of its
 * own (Paho 1.2.5's, the harness's before, cost more per reading than the collector's own client) would make that
 * ceiling one the collector could pass.
 *
 * <p>A run ends when the broker has handled its acknowledgements, not at its last message: once that has arrived, the
 * reader sends a PINGREQ after the last PUBACK, and the broker, which reads a connection's packets in order, answers
 * it only after those. Mosquitto reads one packet of a connection per turn of its loop, beside every publisher's, so
 * at a run's last message it still had up to its in-flight window (10,000) of PUBACKs to read, and spent 0.16 to 0.22
 * core-seconds per million readings on them after a clock that stopped at the last message: work of the run that its
 * CPU left out, a tenth of it.
 */
final class BareSubscriber implements AutoCloseable {
    static final String TOPICS = "steward/v1/+/+/readings";
    private static final int BUFFER = 64 * 1024;
    private static final byte[] PINGREQ = {(byte) 0xC0, 0};
    private static final int PINGRESP = 0xD0;

    private final Socket socket;
    private final Thread reader;
    private final AtomicLong messages = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile Goal goal = Goal.none();
    /** The goal whose last message has arrived and whose PINGREQ awaits its answer; the reader's alone. */
    private Goal pinged;

    private BareSubscriber(Socket socket, DataInputStream in, OutputStream out) {
        this.socket = socket;
        reader = new Thread(() -> read(in, out), "bench-bare-subscriber");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Readings per second delivered to the subscriber, from the first publish until the broker has handled the last
     * acknowledgement.
     */
    static Timed rate(String brokerUrl, Load load) throws Exception {
        return rate(brokerUrl, load, Duration.ofSeconds(120));
    }

    static Timed rate(String brokerUrl, Load load, Duration limit) throws Exception {
        return rate(brokerUrl, load, limit, null, null);
    }

    /**
     * As {@link #rate(String, Load)}, and adds where the run's CPU went to {@code cpuEach} ({@link RunCpu}: these
     * servers' processes, and this process's threads), counted over the same span as the run's clock.
     */
    static Timed rate(String brokerUrl, Load load, Map<String, List<Long>> servers,
                      List<Map<String, Double>> cpuEach) throws Exception {
        return rate(brokerUrl, load, Duration.ofSeconds(120), servers, cpuEach);
    }

    private static Timed rate(String brokerUrl, Load load, Duration limit, Map<String, List<Long>> servers,
                              List<Map<String, Double>> cpuEach) throws Exception {
        try (BareSubscriber subscriber = subscribe(brokerUrl, "bench-bare-sub-" + System.nanoTime())) {
            Load.Prepared payloads = load.prepare();
            Goal all = subscriber.expect(load.messages());
            RunCpu cpu = servers == null ? null : RunCpu.start(servers);
            Timed.Clock clock = Timed.start();
            payloads.publish(brokerUrl);
            subscriber.await(all, limit);
            Timed timed = clock.stop(load.readings());
            if (cpu != null) {
                cpuEach.add(cpu.stop());
            }
            return timed;
        }
    }

    /** Connects with a clean session and subscribes to every device's readings at QoS 1. */
    static BareSubscriber subscribe(String brokerUrl, String clientId) throws IOException {
        URI broker = URI.create(brokerUrl);
        Socket socket = new Socket(broker.getHost(), broker.getPort());
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(10_000); // for the CONNACK and SUBACK; the reader waits as long as it must
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), BUFFER);
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), BUFFER));
            BarePublisher.connect(out, in, clientId);
            out.write(RawMqtt.subscribePacket(TOPICS, 1, 1));
            out.flush();
            expectPacket(in, 0x90, new byte[] {0, 1, 1}, "SUBACK granting QoS 1");
            socket.setSoTimeout(0);
            return new BareSubscriber(socket, in, out);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Waits, from now on, for {@code more} messages; see {@link #await}. */
    Goal expect(long more) {
        Goal next = Goal.of(messages.get(), more);
        goal = next;
        if (failure.get() != null) {
            next.latch().countDown();
        }
        return next;
    }

    /**
     * Returns once every message of the goal has arrived and the broker has handled their acknowledgements; throws,
     * saying why, if they do not within the limit.
     */
    void await(Goal goal, Duration limit) throws InterruptedException {
        boolean opened = goal.latch().await(limit.toMillis(), TimeUnit.MILLISECONDS);
        Throwable failed = failure.get();
        if (failed != null) {
            throw new IllegalStateException("the bare subscriber failed: " + failed, failed);
        }
        if (!opened || messages.get() < goal.target()) {
            throw new IllegalStateException("the bare subscriber got " + (messages.get() - goal.from()) + " of "
                    + (goal.target() - goal.from()) + " messages in " + limit.toSeconds() + " s");
        }
    }

    long messages() {
        return messages.get();
    }

    private static void expectPacket(DataInputStream in, int type, byte[] body, String what) throws IOException {
        int got = in.readUnsignedByte();
        byte[] bytes = new byte[remainingLength(in)];
        in.readFully(bytes);
        if (got != type || !Arrays.equals(bytes, body)) {
            throw new IOException("the broker sent packet type 0x" + Integer.toHexString(got) + " with "
                    + Arrays.toString(bytes) + " where a " + what + " was due");
        }
    }

    /** An MQTT packet's remaining length, read after its first byte. */
    static int remainingLength(DataInputStream in) throws IOException {
        int length = 0;
        for (int shift = 0; shift <= 21; shift += 7) {
            int b = in.readUnsignedByte();
            length |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return length;
            }
        }
        throw new IOException("a remaining length longer than 4 bytes");
    }

    /**
     * Receives every message whole into one buffer and acknowledges it, until the connection ends. Once a goal's last
     * message is acknowledged, sends a PINGREQ behind it, and opens the goal's latch at the answer.
     */
    private void read(DataInputStream in, OutputStream out) {
        byte[] payload = new byte[BUFFER];
        byte[] puback = {0x40, 2, 0, 0};
        try {
            while (true) {
                int header = in.readUnsignedByte();
                int length = remainingLength(in);
                if (header == PINGRESP && length == 0 && pinged != null) {
                    pinged.latch().countDown();
                    pinged = null;
                    continue;
                }
                if ((header & 0xF0) != 0x30 || (header & 0x06) != 0x02) {
                    throw new IOException("the broker sent packet type 0x" + Integer.toHexString(header)
                            + " where a QoS 1 PUBLISH was due");
                }
                int topicLength = in.readUnsignedShort();
                in.skipNBytes(topicLength);
                int id = in.readUnsignedShort();
                int size = length - 2 - topicLength - 2;
                if (size > payload.length) {
                    payload = new byte[size];
                }
                in.readFully(payload, 0, size);
                puback[2] = (byte) (id >> 8);
                puback[3] = (byte) id;
                out.write(puback);
                if (in.available() == 0) {
                    out.flush(); // all that arrived is acknowledged before the reader waits for more
                }
                long count = messages.incrementAndGet();
                Goal current = goal;
                if (count == current.target()) {
                    out.write(PINGREQ);
                    out.flush();
                    pinged = current;
                }
            }
        } catch (IOException e) {
            if (!socket.isClosed()) {
                failure.compareAndSet(null, e);
            }
        } catch (RuntimeException | Error e) {
            failure.compareAndSet(null, e);
        } finally {
            goal.latch().countDown(); // whoever waits learns at once that no more will come
        }
    }

    /** Hangs up: with a clean session and no will, the broker keeps nothing of it. */
    @Override
    public void close() throws Exception {
        socket.close();
        reader.join(5_000);
    }
}
