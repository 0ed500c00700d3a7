package coop.steward.launcher.broker;

import io.vertx.core.buffer.Buffer;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The broker's state on disk, as Mosquitto's persistence keeps it: retained messages and every persistent session
 * with its subscriptions and the messages waiting for it. Written when the broker stops (to a new file, then moved
 * over the old one, so a crash in the middle leaves the last good state) and read when it starts.
 */
final class BrokerState {
    private static final int VERSION = 1;

    record Snapshot(Map<String, Session> sessions, Map<String, Message> retained) {
        static Snapshot empty() {
            return new Snapshot(new HashMap<>(), new HashMap<>());
        }
    }

    private BrokerState() {
    }

    static Snapshot read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Snapshot.empty();
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            if (in.readInt() != VERSION) {
                throw new IOException(file + " was written by another version of Steward's broker");
            }
            Map<String, Message> retained = new HashMap<>();
            for (int i = in.readInt(); i > 0; i--) {
                Message m = readMessage(in);
                retained.put(m.topic(), m);
            }
            Map<String, Session> sessions = new HashMap<>();
            for (int i = in.readInt(); i > 0; i--) {
                Session session = new Session(in.readUTF(), true);
                for (int s = in.readInt(); s > 0; s--) {
                    session.subscriptions.put(in.readUTF(), (int) in.readByte());
                }
                for (int q = in.readInt(); q > 0; q--) {
                    Message m = readMessage(in);
                    session.queue.add(m);
                    session.queuedBytes += m.size();
                }
                sessions.put(session.clientId, session);
            }
            return new Snapshot(sessions, retained);
        }
    }

    static void write(Path file, Snapshot state) throws IOException {
        Path next = file.resolveSibling(file.getFileName() + ".new");
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(next)))) {
            out.writeInt(VERSION);
            out.writeInt(state.retained().size());
            for (Message m : state.retained().values()) {
                writeMessage(out, m);
            }
            out.writeInt(state.sessions().size());
            for (Session session : state.sessions().values()) {
                out.writeUTF(session.clientId);
                out.writeInt(session.subscriptions.size());
                for (Map.Entry<String, Integer> s : session.subscriptions.entrySet()) {
                    out.writeUTF(s.getKey());
                    out.writeByte(s.getValue());
                }
                // What was in flight goes first: it was sent before anything in the queue.
                List<Message> waiting = new ArrayList<>(session.inFlight.values());
                waiting.addAll(session.queue);
                out.writeInt(waiting.size());
                for (Message m : waiting) {
                    writeMessage(out, m);
                }
            }
        }
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void writeMessage(DataOutputStream out, Message m) throws IOException {
        byte[] topic = m.topic().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeInt(topic.length);
        out.write(topic);
        out.writeByte(m.qos());
        out.writeBoolean(m.retain());
        byte[] payload = m.payload().getBytes();
        out.writeInt(payload.length);
        out.write(payload);
    }

    private static Message readMessage(DataInputStream in) throws IOException {
        byte[] topic = in.readNBytes(in.readInt());
        int qos = in.readByte();
        boolean retain = in.readBoolean();
        byte[] payload = in.readNBytes(in.readInt());
        return new Message(new String(topic, java.nio.charset.StandardCharsets.UTF_8), Buffer.buffer(payload), qos,
                retain);
    }
}
