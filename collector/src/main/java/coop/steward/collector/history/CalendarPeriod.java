package coop.steward.collector.history;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** Calendar periods of a time zone: days, ISO weeks (Monday first), months and years. */
public enum CalendarPeriod {
    DAY, WEEK, MONTH, YEAR;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<CalendarPeriod> parse(String code) {
        return Arrays.stream(values()).filter(p -> p.code().equals(code)).findFirst();
    }

    public static String codes() {
        return Arrays.stream(values()).map(CalendarPeriod::code).collect(Collectors.joining(", "));
    }

    /** The periods of {@code zone} that overlap {@code [from, to)}, oldest first; none for an empty range. */
    public List<LocalPeriod> overlapping(long from, long to, ZoneId zone) {
        List<LocalPeriod> periods = new ArrayList<>();
        if (from >= to) {
            return periods;
        }
        LocalDate start = startOf(Instant.ofEpochMilli(from).atZone(zone).toLocalDate());
        long startMs = millis(start, zone);
        while (startMs < to) {
            LocalDate next = next(start);
            long nextMs = millis(next, zone);
            periods.add(new LocalPeriod(startMs, nextMs, label(start)));
            start = next;
            startMs = nextMs;
        }
        return periods;
    }

    /** The first day of the period that holds {@code date}. */
    LocalDate startOf(LocalDate date) {
        return switch (this) {
            case DAY -> date;
            case WEEK -> date.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            case MONTH -> date.withDayOfMonth(1);
            case YEAR -> date.withDayOfYear(1);
        };
    }

    private LocalDate next(LocalDate start) {
        return switch (this) {
            case DAY -> start.plusDays(1);
            case WEEK -> start.plusWeeks(1);
            case MONTH -> start.plusMonths(1);
            case YEAR -> start.plusYears(1);
        };
    }

    /** 2026-11-24, 2026-W48 (the ISO week-based year, which can differ from the calendar year), 2026-11, 2026. */
    private String label(LocalDate start) {
        return switch (this) {
            case DAY -> start.toString();
            case WEEK -> String.format(Locale.ROOT, "%d-W%02d", start.get(IsoFields.WEEK_BASED_YEAR),
                    start.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
            case MONTH -> start.toString().substring(0, 7);
            case YEAR -> Integer.toString(start.getYear());
        };
    }

    /** Where the day starts: midnight, or the first moment after it when a clock change skips midnight. */
    private static long millis(LocalDate date, ZoneId zone) {
        return date.atStartOfDay(zone).toInstant().toEpochMilli();
    }
}
