package coop.steward.launcher.broker;

import io.vertx.core.buffer.Buffer;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

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
            int version = in.readInt();
            if (version != VERSION) {
                // Another version's state: better a broker with no sessions than a demo that does not start.
                LoggerFactory.getLogger(BrokerState.class).warn("{} was written by another version of Steward's "
                        + "broker ({}); starting without its sessions and retained messages", file, version);
                return Snapshot.empty();
            }
            Map<String, Message> retained = new HashMap<>();
            for (int i = in.readInt(); i > 0; i--) {
                Message m = readMessage(in);
                retained.put(m.topic(), m);
            }
            Map<String, Session> sessions = new HashMap<>();
            for (int i = in.readInt(); i > 0; i--) {
                Session session = new Session(readString(in), true);
                for (int s = in.readInt(); s > 0; s--) {
                    session.subscriptions.put(readString(in), (int) in.readByte());
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
                writeString(out, session.clientId);
                out.writeInt(session.subscriptions.size());
                for (Map.Entry<String, Integer> s : session.subscriptions.entrySet()) {
                    writeString(out, s.getKey());
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

    /** UTF-8 with its length: writeUTF's modified UTF-8 cannot hold a topic filter of 16,000 emoji, which MQTT can. */
    private static void writeString(DataOutputStream out, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String readString(DataInputStream in) throws IOException {
        return new String(in.readNBytes(in.readInt()), StandardCharsets.UTF_8);
    }

    private static void writeMessage(DataOutputStream out, Message m) throws IOException {
        writeString(out, m.topic());
        out.writeByte(m.qos());
        out.writeBoolean(m.retain());
        byte[] payload = m.payload().getBytes();
        out.writeInt(payload.length);
        out.write(payload);
    }

    private static Message readMessage(DataInputStream in) throws IOException {
        String topic = readString(in);
        int qos = in.readByte();
        boolean retain = in.readBoolean();
        byte[] payload = in.readNBytes(in.readInt());
        return new Message(topic, Buffer.buffer(payload), qos, retain);
    }
}
