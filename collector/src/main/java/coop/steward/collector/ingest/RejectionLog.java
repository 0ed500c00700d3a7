package coop.steward.collector.ingest;

import coop.steward.protocol.Reason;
import coop.steward.protocol.Rejection;
import coop.steward.protocol.Untrusted;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Every rejection, counted by reason for /metrics; the latest ones kept for {@code GET /api/v1/rejected}, their topic
 * and detail escaped and cut (a topic may be 64 KiB and a quoted value 256 KiB, of anything, from anyone).
 */
public final class RejectionLog {
    public static final int KEPT = 1_000;
    /** Every valid topic (at most 150 characters) is kept whole. */
    public static final int TOPIC_CHARS = 300;
    /** The longest sentence of the collector's own, an unknown kind with the list of kinds, is about 430. */
    public static final int DETAIL_CHARS = 500;

    /** One rejected message or reading; {@code t} is when the collector received it. */
    public record Entry(long t, String topic, String reason, String detail) {
    }

    private final Map<Reason, Counter> counters = new EnumMap<>(Reason.class);
    private final Deque<Entry> latest = new ArrayDeque<>(KEPT);

    public RejectionLog(MeterRegistry registry) {
        // Registered up front so every reason shows in /metrics at 0, as Prometheus users expect.
        for (Reason reason : Reason.values()) {
            counters.put(reason, Counter.builder("steward.rejected")
                    .description("Rejected messages and readings, by reason")
                    .tag("reason", reason.code())
                    .register(registry));
        }
    }

    public void record(long receivedAt, String topic, List<Rejection> rejections) {
        String shown = Untrusted.cut(topic, TOPIC_CHARS);
        synchronized (latest) {
            for (Rejection rejection : rejections) {
                counters.get(rejection.reason()).increment();
                if (latest.size() == KEPT) {
                    latest.removeLast();
                }
                latest.addFirst(new Entry(receivedAt, shown, rejection.reason().code(),
                        Untrusted.cut(rejection.detail(), DETAIL_CHARS)));
            }
        }
    }

    /** Newest first. */
    public List<Entry> latest() {
        synchronized (latest) {
            return new ArrayList<>(latest);
        }
    }
}
