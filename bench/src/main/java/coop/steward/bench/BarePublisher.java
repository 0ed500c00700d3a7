package coop.steward.bench;

import coop.steward.testsupport.RawMqtt;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A device's publishing at its barest, the harness's stand-in for a site's devices: one MQTT 3.1.1 connection with a
 * clean session, every message QoS 1 and encoded as a whole packet before the clock starts, at most {@code window}
 * of them unacknowledged. A site's devices run on machines of their own; in the harness they share the cores with
 * what is measured, so they should cost as little as a publisher can (Paho 1.2.5, the harness's publisher before,
 * cost about a fifth of an InfluxDB ingest run's CPU, more than the collector's own threads).
 */
final class BarePublisher {
    private static final int BUFFER = 64 * 1024;

    private BarePublisher() {
    }

    /**
     * Each payload as a QoS 1 PUBLISH packet on {@code topic}; message {@code i} has packet identifier
     * {@code i % 65535 + 1}, which no unacknowledged message shares while the window is smaller than 65,535.
     */
    static byte[][] packets(String topic, List<byte[]> payloads) {
        byte[][] packets = new byte[payloads.size()][];
        for (int i = 0; i < packets.length; i++) {
            packets[i] = RawMqtt.publishPacket(topic, i % 65535 + 1, payloads.get(i), false);
        }
        return packets;
    }

    /**
     * Sends the packets in order with at most {@code window} unacknowledged; returns once the broker has acknowledged
     * every one, and throws, naming the client, if it refuses the connection, closes it, or acknowledges nothing for
     * {@code silence}.
     */
    static void publish(String brokerUrl, String clientId, byte[][] packets, int window, Duration silence)
            throws Exception {
        if (window < 1 || window > 65535) {
            throw new IllegalArgumentException("window must be between 1 and 65,535, not " + window);
        }
        URI broker = URI.create(brokerUrl);
        try (Socket socket = new Socket(broker.getHost(), broker.getPort())) {
            socket.setTcpNoDelay(true);
            // Reads wait only for what the broker owes: its CONNACK, or a PUBACK while messages are unacknowledged.
            socket.setSoTimeout((int) silence.toMillis());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), BUFFER);
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            try {
                connect(out, in, clientId);
            } catch (IOException e) {
                throw new IOException(clientId + ": " + e.getMessage(), e);
            }
            Semaphore free = new Semaphore(window);
            AtomicReference<Exception> failure = new AtomicReference<>();
            Thread acks = new Thread(() -> readAcks(socket, in, packets.length, free, failure, window, silence),
                    Thread.currentThread().getName() + "-acks");
            acks.start();
            IOException writeFailed = null;
            try {
                for (byte[] packet : packets) {
                    if (!free.tryAcquire()) {
                        out.flush(); // what is buffered is what the broker has to acknowledge before a place frees
                        free.acquire(); // the reader frees every place when it gives up
                    }
                    if (failure.get() != null) {
                        break;
                    }
                    out.write(packet);
                }
                out.flush();
                free.acquire(window);
            } catch (IOException e) {
                writeFailed = e;
            }
            acks.join(); // within the silence limit that every read has
            if (writeFailed != null) {
                failure.compareAndSet(null, writeFailed); // the reader, which closed the socket, knows better why
            }
            if (failure.get() != null) {
                throw new IllegalStateException(clientId + ": " + failure.get().getMessage(), failure.get());
            }
            out.write(new byte[] {(byte) 0xe0, 0}); // DISCONNECT
            out.flush();
        }
    }

    /** {@link #publish(String, String, byte[][], int, Duration)}, giving up after 120 s without an acknowledgement. */
    static void publish(String brokerUrl, String clientId, byte[][] packets, int window) throws Exception {
        publish(brokerUrl, clientId, packets, window, Duration.ofSeconds(120));
    }

    /** Sends a CONNECT with a clean session; throws, saying why, unless the broker accepts it. */
    static void connect(OutputStream out, DataInputStream in, String clientId) throws IOException {
        // A keep-alive far longer than a run, which sends no PINGREQ (0, for none, is refused by Mosquitto 2.0.12 and
        // later under its default max_keepalive).
        out.write(RawMqtt.connectPacket(clientId, 600));
        out.flush();
        int type;
        int length;
        try {
            type = in.readUnsignedByte();
            length = in.readUnsignedByte();
        } catch (SocketTimeoutException e) {
            throw new IOException("the broker sent no CONNACK", e);
        }
        byte[] connack = new byte[length];
        in.readFully(connack);
        if (type != 0x20 || length != 2 || connack[1] != 0) {
            throw new IOException("the broker refused the connection (CONNACK 0x"
                    + Integer.toHexString(type) + ", return code " + (length == 2 ? connack[1] : -1) + ")");
        }
    }

    /**
     * Counts PUBACKs, which come in the order of their messages, until every packet has one; on anything else, or
     * silence, records why, closes the socket (a write blocked on it ends) and frees every place.
     */
    private static void readAcks(Socket socket, DataInputStream in, int expected, Semaphore free,
            AtomicReference<Exception> failure, int window, Duration silence) {
        try {
            for (int acked = 0; acked < expected; acked++) {
                int type = in.readUnsignedByte();
                int length = in.readUnsignedByte();
                int id = length == 2 ? in.readUnsignedShort() : -1;
                if (type != 0x40 || id != acked % 65535 + 1) {
                    throw new IllegalStateException("the broker sent packet type 0x" + Integer.toHexString(type)
                            + " (identifier " + id + ") where the PUBACK of message " + acked + " was due");
                }
                free.release();
            }
        } catch (SocketTimeoutException e) {
            failed(socket, failure, new IOException("the broker acknowledged nothing for " + silence.toSeconds()
                    + " s", e), free, window + expected);
        } catch (IOException e) {
            failed(socket, failure, new IOException("the broker closed the connection before acknowledging every "
                    + "message (" + e + "); its log says why", e), free, window + expected);
        } catch (RuntimeException e) {
            failed(socket, failure, e, free, window + expected);
        }
    }

    private static void failed(Socket socket, AtomicReference<Exception> failure, Exception why, Semaphore free,
            int places) {
        failure.compareAndSet(null, why);
        try {
            socket.close();
        } catch (IOException ignored) {
            // closed already
        }
        free.release(places);
    }
}
