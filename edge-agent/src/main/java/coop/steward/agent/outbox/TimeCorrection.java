package coop.steward.agent.outbox;

import coop.steward.protocol.Reading;
import coop.steward.protocol.ReadingsMessage;
import coop.steward.protocol.WireJson;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Gives readings taken before the clock was set their real time, once it is: a reading taken {@code d} of
 * monotonic time before now was taken at {@code wallNow - d}. Monotonic times are stored 8 bytes each.
 */
final class TimeCorrection {
    private TimeCorrection() {
    }

    /** The payload with each reading's {@code t} recomputed from its monotonic time; null if it cannot be. */
    static byte[] apply(byte[] payload, long[] monotonicNanos, long wallNowMs, long monotonicNowNanos) {
        ReadingsMessage message;
        try {
            message = WireJson.decodeReadings(payload);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (monotonicNanos == null || monotonicNanos.length != message.readings().size()) {
            return null;
        }
        List<Reading> corrected = new ArrayList<>(monotonicNanos.length);
        for (int i = 0; i < monotonicNanos.length; i++) {
            Reading r = message.readings().get(i);
            long ageMs = Math.round((monotonicNowNanos - monotonicNanos[i]) / 1e6);
            corrected.add(new Reading(r.sensor(), r.kind(), wallNowMs - ageMs, r.value(), r.unit()));
        }
        return WireJson.encode(ReadingsMessage.of(message.device(), message.seq(), corrected));
    }

    static byte[] pack(long[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * Long.BYTES);
        buffer.asLongBuffer().put(values);
        return buffer.array();
    }

    static long[] unpack(byte[] bytes) {
        if (bytes == null || bytes.length % Long.BYTES != 0) {
            return null;
        }
        long[] values = new long[bytes.length / Long.BYTES];
        ByteBuffer.wrap(bytes).asLongBuffer().get(values);
        return values;
    }
}
