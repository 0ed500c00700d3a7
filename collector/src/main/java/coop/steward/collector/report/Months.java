package coop.steward.collector.report;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;

/** The months a report covers, {@code from} to {@code to} inclusive, in the zone of the site reported on. */
public record Months(YearMonth from, YearMonth to) {
    /** The most months one report covers: ten years. */
    public static final int MAX = 120;

    /** The months asked for; a month left out (null) is the current one for {@code to}, 11 before {@code to} for from. */
    public static Months resolve(YearMonth from, YearMonth to, ZoneId zone, long now) {
        YearMonth last = to != null ? to : YearMonth.from(Instant.ofEpochMilli(now).atZone(zone));
        return new Months(from != null ? from : last.minusMonths(11), last);
    }

    public long count() {
        return Math.max(0, to.getYear() * 12L + to.getMonthValue() - from.getYear() * 12L - from.getMonthValue() + 1);
    }

    /** Where the first month starts in the zone, in epoch milliseconds. */
    public long start(ZoneId zone) {
        return from.atDay(1).atStartOfDay(zone).toInstant().toEpochMilli();
    }

    /** Where the month after the last starts. */
    public long end(ZoneId zone) {
        return to.plusMonths(1).atDay(1).atStartOfDay(zone).toInstant().toEpochMilli();
    }
}
