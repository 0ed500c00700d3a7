package coop.steward.bench;

import java.io.DataInputStream;
import java.io.IOException;

/** What the tests' small brokers read of an MQTT packet after its first byte: its remaining length, then its body. */
final class PacketBodies {
    private PacketBodies() {
    }

    static byte[] read(DataInputStream in) throws IOException {
        byte[] body = new byte[BareSubscriber.remainingLength(in)];
        in.readFully(body);
        return body;
    }
}
