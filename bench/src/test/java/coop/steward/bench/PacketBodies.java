package coop.steward.bench;

import java.io.DataInputStream;
import java.io.IOException;

/** What the tests' small brokers read of an MQTT packet after its first byte: its remaining length, then its body. */
final class PacketBodies {
    private PacketBodies() {
    }

    static byte[] read(DataInputStream in) throws IOException {
        int length = 0;
        int shift = 0;
        int digit;
        do {
            digit = in.readUnsignedByte();
            length |= (digit & 0x7f) << shift;
            shift += 7;
        } while ((digit & 0x80) != 0);
        byte[] body = new byte[length];
        in.readFully(body);
        return body;
    }
}
