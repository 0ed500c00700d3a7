package coop.steward.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * An MQTT 3.1.1 publisher written byte for byte, for what client libraries refuse to send: topics with any
 * character at all, payloads of any size. One connection per message.
 */
public final class RawMqtt {
    private RawMqtt() {
    }

    /** What the broker did with one QoS 1 message. */
    public enum Outcome { ACKNOWLEDGED, CONNECTION_CLOSED, NO_ANSWER }

    /** Publishes one QoS 1 message and waits up to 5 s for the broker's PUBACK. */
    public static Outcome publish(int port, String topic, byte[] payload) throws IOException {
        return publish(port, topic, payload, false);
    }

    /** The same, flagged DUP as a client's resend after a reconnect is. */
    public static Outcome publish(int port, String topic, byte[] payload, boolean dup) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            out.write(connectPacket("raw-" + System.nanoTime(), 60));
            out.flush();
            int connack = in.readUnsignedByte();
            byte[] connackBody = new byte[in.readUnsignedByte()];
            in.readFully(connackBody);
            if (connack != 0x20 || connackBody[1] != 0) {
                throw new IOException("the broker refused the connection: return code " + connackBody[1]);
            }
            out.write(publishPacket(topic, 1, payload, dup));
            out.flush();
            try {
                int type = in.readUnsignedByte();
                if (type == 0x40) {
                    out.write(new byte[] {(byte) 0xe0, 0});
                    out.flush();
                    return Outcome.ACKNOWLEDGED;
                }
                return Outcome.NO_ANSWER;
            } catch (EOFException e) {
                return Outcome.CONNECTION_CLOSED;
            } catch (SocketTimeoutException e) {
                return Outcome.NO_ANSWER;
            } catch (IOException e) {
                return Outcome.CONNECTION_CLOSED; // reset
            }
        }
    }

    /** An MQTT 3.1.1 CONNECT with a clean session. */
    public static byte[] connectPacket(String clientId, int keepAliveSeconds) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0, 4, 'M', 'Q', 'T', 'T', 4, 2, (byte) (keepAliveSeconds >> 8),
                (byte) keepAliveSeconds});
        writeString(body, clientId.getBytes(StandardCharsets.UTF_8));
        return encode(0x10, body.toByteArray());
    }

    /** A QoS 1 PUBLISH with packet identifier {@code packetId}, flagged DUP if {@code dup}. */
    public static byte[] publishPacket(String topic, int packetId, byte[] payload, boolean dup) {
        ByteArrayOutputStream body = new ByteArrayOutputStream(payload.length + topic.length() + 4);
        writeString(body, topic.getBytes(StandardCharsets.UTF_8));
        body.write(packetId >> 8);
        body.write(packetId & 0xff);
        body.writeBytes(payload);
        return encode(dup ? 0x3a : 0x32, body.toByteArray());
    }

    /** A SUBSCRIBE to one topic filter at {@code qos}, with packet identifier {@code packetId}. */
    public static byte[] subscribePacket(String filter, int packetId, int qos) {
        ByteArrayOutputStream body = new ByteArrayOutputStream(filter.length() + 5);
        body.write(packetId >> 8);
        body.write(packetId & 0xff);
        writeString(body, filter.getBytes(StandardCharsets.UTF_8));
        body.write(qos);
        return encode(0x82, body.toByteArray());
    }

    private static void writeString(ByteArrayOutputStream out, byte[] utf8) {
        out.write(utf8.length >> 8);
        out.write(utf8.length & 0xff);
        out.writeBytes(utf8);
    }

    /** Writes one MQTT packet: its first byte, the remaining length as MQTT encodes it, the body. */
    public static void packet(OutputStream out, int header, byte[] body) throws IOException {
        out.write(encode(header, body));
        out.flush();
    }

    /** One MQTT packet's bytes: its first byte, the remaining length as MQTT encodes it, the body. */
    public static byte[] encode(int header, byte[] body) {
        ByteArrayOutputStream packet = new ByteArrayOutputStream(body.length + 5);
        packet.write(header);
        int length = body.length;
        do {
            int digit = length % 128;
            length /= 128;
            packet.write(length > 0 ? digit | 0x80 : digit);
        } while (length > 0);
        packet.writeBytes(body);
        return packet.toByteArray();
    }
}
