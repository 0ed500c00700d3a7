package coop.steward.collector.history;

import coop.steward.collector.store.Aggregation;
import coop.steward.collector.store.ReadingStore;
import coop.steward.collector.store.SeriesData;
import coop.steward.collector.store.SeriesKey;
import coop.steward.collector.store.SeriesQuery;
import java.util.ArrayList;
import java.util.List;

/**
 * When a {@code valve_state} sensor was open (a value of 0.5 or more), clipped to a range. A span starts at the
 * first open reading after a closed one, or at the range's start when the last reading before it was open, and
 * ends at the first closed reading. Where raw readings are gone (past raw retention) only hourly roll-ups are
 * left: an hour whose max was open counts as open the whole hour, and its span is approximate.
 */
public final class ValveSpans {
    public static final String KIND = "valve_state";
    private static final long HOUR = 3_600_000L;
    private static final int PAGE = 100_000;
    private static final double OPEN = 0.5;

    /** {@code to} is null while the valve is still open at the last reading and the range reaches now. */
    public record Span(long from, Long to, boolean approximate) {
    }

    /** The series' kind and unit (null for a series without data) and its open spans. */
    public record Spans(String kind, String unit, List<Span> spans) {
    }

    private final ReadingStore store;

    public ValveSpans(ReadingStore store) {
        this.store = store;
    }

    /** Blocking. A series of another kind is answered with its kind and no spans. */
    public Spans of(SeriesKey key, long from, long to, long now) {
        SeriesData raw = store.query(SeriesQuery.raw(key, from, to, PAGE));
        // Retention drops the oldest hours first, so hours without raw readings come before the first raw one.
        long rawFrom = raw.t().length == 0 ? to : Math.max(from, Math.floorDiv(raw.t()[0], HOUR) * HOUR);
        SeriesQuery rolledUp = new SeriesQuery(key, from, rawFrom, Aggregation.LAST, HOUR,
                (int) ((rawFrom - from) / HOUR + 2)).withEnvelope();
        SeriesData hours = rawFrom > from ? store.query(rolledUp) : SeriesData.none(rolledUp);
        SeriesData named = raw.kind() != null ? raw : hours;
        if (!KIND.equals(named.kind())) {
            return new Spans(named.kind(), named.unit(), List.of());
        }
        double[] before = store.query(SeriesQuery.latestBefore(key, from)).value();
        Walk walk = new Walk(from, before.length > 0 && before[before.length - 1] >= OPEN);
        for (int i = 0; i < hours.t().length; i++) {
            walk.rolledUpHour(Math.max(from, hours.t()[i]), Math.min(to, hours.t()[i] + HOUR), hours.max()[i] >= OPEN,
                    hours.value()[i] >= OPEN);
        }
        while (true) {
            for (int i = 0; i < raw.t().length; i++) {
                walk.reading(raw.t()[i], raw.value()[i] >= OPEN);
            }
            if (!raw.truncated()) {
                break;
            }
            raw = store.query(SeriesQuery.raw(key, raw.t()[raw.t().length - 1] + 1, to, PAGE));
        }
        return new Spans(named.kind(), named.unit(), walk.end(to >= now ? null : to));
    }

    /** Goes through the valve's history in time order. */
    private static final class Walk {
        private final List<Span> spans = new ArrayList<>();
        private Long openSince;
        private boolean approximate;

        Walk(long from, boolean openBefore) {
            openSince = openBefore ? from : null;
        }

        void reading(long t, boolean open) {
            if (open && openSince == null) {
                openSince = t;
                approximate = false;
            } else if (!open && openSince != null) {
                close(t);
            }
        }

        /** A roll-up: open the whole hour if it ever was; still open after it if its last reading was. */
        void rolledUpHour(long start, long end, boolean everOpen, boolean openAtEnd) {
            if (!everOpen) {
                if (openSince != null) {
                    approximate = true;
                    close(start);
                }
                return;
            }
            if (openSince == null) {
                openSince = start;
            }
            approximate = true;
            if (!openAtEnd) {
                close(end);
            }
        }

        private void close(long t) {
            spans.add(new Span(openSince, t, approximate));
            openSince = null;
            approximate = false;
        }

        /** The spans, the last one ending at {@code to} when the valve is still open. */
        List<Span> end(Long to) {
            if (openSince != null) {
                spans.add(new Span(openSince, to, approximate));
            }
            return List.copyOf(spans);
        }
    }
}
