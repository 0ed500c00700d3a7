package coop.steward.protocol;

import java.util.List;

/** The payload of {@code steward/v1/{site}/{device}/readings}. */
public record ReadingsMessage(int v, String device, long seq, List<Reading> readings) {
    public static final int VERSION = 1;
    public static final int MAX_READINGS = 10_000;
    public static final int MAX_BYTES = 256 * 1024;

    public ReadingsMessage {
        readings = List.copyOf(readings);
    }

    public static ReadingsMessage of(String device, long seq, List<Reading> readings) {
        return new ReadingsMessage(VERSION, device, seq, readings);
    }
}
