package coop.steward.collector.alert;

import coop.steward.protocol.Reading;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/** Synthetic readings of one device over a day: one message per step, each holding every sensor at that time. */
final class Day {
    record Message(long t, List<Reading> readings) {
    }

    private record Channel(String sensor, String kind, LongFunction<Double> value) {
    }

    private final long start;
    private final long end;
    private final long stepMs;
    private final List<Channel> channels = new ArrayList<>();

    private Day(long start, long end, long stepMs) {
        this.start = start;
        this.end = end;
        this.stepMs = stepMs;
    }

    /** Readings every {@code step} from {@code start} (inclusive) to {@code end} (exclusive). */
    static Day between(Instant start, Instant end, Duration step) {
        return new Day(start.toEpochMilli(), end.toEpochMilli(), step.toMillis());
    }

    /** A sensor whose value at time t (epoch ms) is given; null means it sends nothing then. */
    Day sensor(String sensor, String kind, LongFunction<Double> value) {
        channels.add(new Channel(sensor, kind, value));
        return this;
    }

    List<Message> messages() {
        List<Message> messages = new ArrayList<>();
        for (long t = start; t < end; t += stepMs) {
            List<Reading> readings = new ArrayList<>();
            for (Channel c : channels) {
                Double v = c.value().apply(t);
                if (v != null) {
                    readings.add(new Reading(c.sensor(), c.kind(), t, v, null));
                }
            }
            if (!readings.isEmpty()) {
                messages.add(new Message(t, readings));
            }
        }
        return messages;
    }

    /** All of the day's readings in one list, as an agent's outbox replays them after an outage. */
    List<Reading> all() {
        List<Reading> all = new ArrayList<>();
        messages().forEach(m -> all.addAll(m.readings()));
        return all;
    }

    /** Hours since midnight (UTC) of the day that {@code t} is in. */
    static double hour(long t) {
        return Math.floorMod(t, 86_400_000L) / 3_600_000.0;
    }
}
