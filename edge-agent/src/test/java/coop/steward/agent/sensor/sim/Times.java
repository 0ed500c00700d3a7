package coop.steward.agent.sensor.sim;

import java.time.Instant;
import java.util.function.LongConsumer;

/** Instants for the simulation tests, written as people read them. */
final class Times {
    static final long MINUTE = 60_000L;
    static final long HOUR = 60 * MINUTE;
    static final long DAY = 24 * HOUR;
    static final long WEEK = 7 * DAY;

    private Times() {
    }

    static long at(String isoInstant) {
        return Instant.parse(isoInstant).toEpochMilli();
    }

    /** Calls {@code each} for every instant from {@code from} (inclusive) to {@code to} (exclusive). */
    static void every(long step, long from, long to, LongConsumer each) {
        for (long t = from; t < to; t += step) {
            each.accept(t);
        }
    }
}
