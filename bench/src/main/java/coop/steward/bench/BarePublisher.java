package coop.steward.bench;

import coop.steward.testsupport.RawMqtt;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
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
        byte[] topicBytes = topic.getBytes(StandardCharsets.UTF_8);
        byte[][] packets = new byte[payloads.size()][];
        for (int i = 0; i < packets.length; i++) {
            int id = i % 65535 + 1;
            ByteArrayOutputStream body = new ByteArrayOutputStream(payloads.get(i).length + topicBytes.length + 4);
            body.write(topicBytes.length >> 8);
            body.write(topicBytes.length & 0xff);
            body.writeBytes(topicBytes);
            body.write(id >> 8);
            body.write(id & 0xff);
            body.writeBytes(payloads.get(i));
            packets[i] = RawMqtt.encode(0x32, body.toByteArray());
        }
        return packets;
    }

    /**
     * Sends the packets in order with at most {@code window} unacknowledged; returns once the broker has acknowledged
     * every one, and throws, naming the client, if it closes the connection or stops acknowledging for 120 s.
     */
    static void publish(String brokerUrl, String clientId, byte[][] packets, int window) throws Exception {
        if (window < 1 || window >= 65535) {
            throw new IllegalArgumentException("window must be between 1 and 65,534, not " + window);
        }
        URI broker = URI.create(brokerUrl);
        try (Socket socket = new Socket(broker.getHost(), broker.getPort())) {
            socket.setTcpNoDelay(true);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), BUFFER);
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            connect(out, in, clientId);
            Semaphore free = new Semaphore(window);
            AtomicReference<Exception> failure = new AtomicReference<>();
            Thread acks = new Thread(() -> readAcks(in, packets.length, free, failure, window),
                    Thread.currentThread().getName() + "-acks");
            acks.start();
            for (byte[] packet : packets) {
                if (!free.tryAcquire()) {
                    out.flush(); // what is buffered is what the broker has to acknowledge before a place frees
                    if (!free.tryAcquire(120, TimeUnit.SECONDS)) {
                        throw new IllegalStateException(clientId + ": the broker acknowledged nothing for 120 s");
                    }
                }
                if (failure.get() != null) {
                    break;
                }
                out.write(packet);
            }
            out.flush();
            if (!free.tryAcquire(window, 120, TimeUnit.SECONDS)) {
                throw new IllegalStateException(clientId + ": the broker did not acknowledge every message within 120 s");
            }
            acks.join();
            if (failure.get() != null) {
                throw new IllegalStateException(clientId + ": " + failure.get().getMessage(), failure.get());
            }
            out.write(new byte[] {(byte) 0xe0, 0}); // DISCONNECT
            out.flush();
        }
    }

    private static void connect(OutputStream out, DataInputStream in, String clientId) throws IOException {
        byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        // protocol name, level 4 (3.1.1), flags: clean session; keep-alive 0, since a run sends no PINGREQ
        body.writeBytes(new byte[] {0, 4, 'M', 'Q', 'T', 'T', 4, 2, 0, 0});
        body.write(id.length >> 8);
        body.write(id.length & 0xff);
        body.writeBytes(id);
        out.write(RawMqtt.encode(0x10, body.toByteArray()));
        out.flush();
        int type = in.readUnsignedByte();
        int length = in.readUnsignedByte();
        byte[] connack = new byte[length];
        in.readFully(connack);
        if (type != 0x20 || length != 2 || connack[1] != 0) {
            throw new IOException(clientId + ": the broker refused the connection (CONNACK "
                    + Integer.toHexString(type) + ", return code " + (length == 2 ? connack[1] : -1) + ")");
        }
    }

    /** Counts PUBACKs until every packet has one; on anything else, records why and frees every place. */
    private static void readAcks(DataInputStream in, int expected, Semaphore free, AtomicReference<Exception> failure,
            int window) {
        try {
            for (int acked = 0; acked < expected; acked++) {
                int type = in.readUnsignedByte();
                int length = in.readUnsignedByte();
                if (type != 0x40 || length != 2) {
                    failure.set(new IllegalStateException("the broker sent packet type 0x" + Integer.toHexString(type)
                            + " where a PUBACK was due"));
                    break;
                }
                in.readUnsignedShort();
                free.release();
            }
        } catch (IOException e) {
            failure.set(new IOException("the broker closed the connection before acknowledging every message ("
                    + e + "); its log says why", e));
        }
        if (failure.get() != null) {
            free.release(window + expected);
        }
    }
}
