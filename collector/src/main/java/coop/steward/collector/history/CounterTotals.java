package coop.steward.collector.history;

import coop.steward.collector.store.Aggregation;
import coop.steward.collector.store.ReadingStore;
import coop.steward.collector.store.SeriesData;
import coop.steward.collector.store.SeriesKey;
import coop.steward.collector.store.SeriesQuery;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How much a cumulative counter (a water meter in L, an energy meter in Wh) went up in each calendar period of a
 * zone. Both stores answer the same question, so both give the same totals: each bucket's last reading with its
 * min and max, from one store query, and the last reading before the range; the increases are worked out here.
 * <ul>
 * <li>An increase belongs to the period of the reading that shows it: across a gap, to the period after the gap.
 * <li>A counter that goes down was reset (a meter replaced, an agent restarted from 0): its new value counts as
 * the increase since the reset, so no total is ever negative ({@link #increase}).
 * </ul>
 */
public final class CounterTotals {
    /** The kinds of the contract that are cumulative counters. */
    public static final List<String> KINDS = List.of("water_total", "energy_total");
    private static final long HOUR = 3_600_000L;
    /** Divides every offset a real zone has used since 2000, so that no bucket straddles two periods. */
    private static final long QUARTER_HOUR = 900_000L;

    /** The increase in one period; {@code complete} is false for a period not over yet, or cut by the range. */
    public record Total(LocalPeriod period, double total, boolean complete) {
    }

    /** The series' kind and unit (null for a series without data) and the totals of periods with readings. */
    public record Totals(String kind, String unit, List<Total> periods) {
        /** False for a series of another kind; true for a counter, and for no series at all (nothing to refuse). */
        public boolean isCounter() {
            return kind == null || KINDS.contains(kind);
        }
    }

    private final ReadingStore store;

    public CounterTotals(ReadingStore store) {
        this.store = store;
    }

    /** Blocking: two or three store queries. A series that is not a counter is answered with its kind and no totals. */
    public Totals of(SeriesKey key, long from, long to, CalendarPeriod period, ZoneId zone, long now) {
        List<LocalPeriod> periods = period.overlapping(from, to, zone);
        long step = stepFor(periods, from, to);
        SeriesData data = buckets(key, from, to, step);
        if (step != HOUR) {
            // Quarter hours come from raw readings only. Hours before the first one may be rolled up (past raw
            // retention): those come from the roll-ups, each counted in the period its hour starts in.
            long rawFrom = data.t().length == 0 ? to : Math.max(from, Math.floorDiv(data.t()[0], HOUR) * HOUR);
            data = rawFrom > from ? join(buckets(key, from, rawFrom, HOUR), data) : data;
        }
        Totals none = new Totals(data.kind(), data.unit(), List.of());
        if (data.kind() == null || !none.isCounter() || data.t().length == 0) {
            return none;
        }
        double[] before = store.query(SeriesQuery.latestBefore(key, from)).value();
        Double previous = before.length == 0 ? null : before[0];
        double[] sums = new double[periods.size()];
        boolean[] seen = new boolean[periods.size()];
        int p = 0;
        for (int i = 0; i < data.t().length; i++) {
            while (p < periods.size() - 1 && data.t()[i] >= periods.get(p).end()) {
                p++;
            }
            sums[p] += increase(previous, data.value()[i], data.min()[i], data.max()[i]);
            seen[p] = true;
            previous = data.value()[i];
        }
        List<Total> totals = new ArrayList<>();
        for (int i = 0; i < periods.size(); i++) {
            LocalPeriod local = periods.get(i);
            if (seen[i]) {
                boolean complete = local.start() >= from && local.end() <= to && local.end() <= now;
                totals.add(new Total(local, Math.round(sums[i] * 1e6) / 1e6, complete));
            }
        }
        return new Totals(data.kind(), data.unit(), totals);
    }

    /** Each bucket's last reading with its min and max, from one store query. */
    private SeriesData buckets(SeriesKey key, long from, long to, long step) {
        int limit = (int) Math.min(Integer.MAX_VALUE - 1, (to - from) / step + 2);
        return store.query(new SeriesQuery(key, from, to, Aggregation.LAST, step, limit).withEnvelope());
    }

    /** {@code earlier}'s buckets, then {@code later}'s, which all come after them. */
    private static SeriesData join(SeriesData earlier, SeriesData later) {
        if (earlier.t().length == 0) {
            return later;
        }
        SeriesData named = later.kind() != null ? later : earlier;
        return new SeriesData(named.key(), named.kind(), named.unit(), concat(earlier.t(), later.t()),
                concat(earlier.value(), later.value()), false, concat(earlier.min(), later.min()),
                concat(earlier.max(), later.max()));
    }

    private static long[] concat(long[] a, long[] b) {
        long[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static double[] concat(double[] a, double[] b) {
        double[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /**
     * Hours, which both stores answer from their roll-ups (for any age), when every period boundary in the range
     * falls on a whole hour; quarter hours otherwise (zones such as Asia/Kolkata), which need raw readings, so that
     * no bucket straddles two periods.
     */
    private static long stepFor(List<LocalPeriod> periods, long from, long to) {
        for (LocalPeriod period : periods) {
            for (long boundary : new long[] {period.start(), period.end()}) {
                if (boundary > from && boundary < to && Math.floorMod(boundary, HOUR) != 0) {
                    return QUARTER_HOUR;
                }
            }
        }
        return HOUR;
    }

    /**
     * What one bucket adds, from its last, min and max and the last value before it. The counter only goes up, so a
     * drop is a reset: with the last value below the bucket's max, the counter rose to that max, was reset, and rose
     * again to the last value; with a min below the value before, the reset came first and the last value is what
     * came since (what the counter rose before such a reset is not known, and left out).
     */
    static double increase(Double previous, double last, double min, double max) {
        if (previous == null) {
            return last - min; // the first readings ever: what they rose within their bucket
        }
        if (last < max && max >= previous) {
            return max - previous + last;
        }
        return min < previous ? last : last - previous;
    }
}
