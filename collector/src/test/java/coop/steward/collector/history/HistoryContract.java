package coop.steward.collector.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import coop.steward.collector.history.CounterTotals.Total;
import coop.steward.collector.history.CounterTotals.Totals;
import coop.steward.collector.history.ValveSpans.Span;
import coop.steward.collector.store.DeviceReadings;
import coop.steward.collector.store.ReadingStore;
import coop.steward.collector.store.SeriesKey;
import coop.steward.protocol.Reading;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Counter totals and valve spans as users see them, the same on every back end: {@link SqliteHistoryTest} and
 * {@link InfluxHistoryTest}.
 */
abstract class HistoryContract {
    protected static final Duration RETENTION = Duration.ofDays(90);
    private static final long MINUTE = 60_000L;
    private static final long HOUR = 3_600_000L;
    private static final long DAY = 86_400_000L;
    private static final ZoneId LONDON = ZoneId.of("Europe/London");
    private static final SeriesKey METER = new SeriesKey("food-forest", "shed", "meter");
    private static final SeriesKey VALVE = new SeriesKey("food-forest", "bed-1", "valve");
    private static final long LATER = at("2030-01-01T00:00:00Z");
    /**
     * Midnight UTC tomorrow, for tests that need raw readings: InfluxDB's raw retention policy counts from the
     * server's real clock, whatever time a test passes to upkeep.
     */
    private static final long TOMORROW = (Math.floorDiv(System.currentTimeMillis(), DAY) + 1) * DAY;
    private static final long TEN_DAYS_AGO = TOMORROW - 11 * DAY;

    protected ReadingStore store;

    protected abstract ReadingStore openStore();

    @BeforeEach
    void open() {
        store = openStore();
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static long at(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    private void write(SeriesKey key, String kind, List<long[]> timesAndValues) {
        List<Reading> readings = new ArrayList<>();
        for (long[] r : timesAndValues) {
            readings.add(new Reading(key.sensor(), kind, r[0], r[1], null));
        }
        store.write(List.of(new DeviceReadings(key.site(), key.device(), readings, 0)), List.of());
    }

    /** A water meter that counts one litre an hour, read on every hour of {@code [from, to)}. */
    private void hourlyLitres(long from, long to) {
        List<long[]> readings = new ArrayList<>();
        for (long t = from; t < to; t += HOUR) {
            readings.add(new long[] {t, (t - from) / HOUR});
        }
        write(METER, "water_total", readings);
    }

    private Totals totals(long from, long to, CalendarPeriod period, ZoneId zone, long now) {
        return new CounterTotals(store).of(METER, from, to, period, zone, now);
    }

    @Test
    void monthsOf28_31And30Days_eachGetTheirOwnHours_includingTheMonthTheClocksGoForward() {
        hourlyLitres(at("2026-01-31T20:00:00Z"), at("2026-05-01T03:00:00Z"));

        Totals totals = totals(at("2026-02-01T00:00:00Z"), at("2026-04-30T23:00:00Z"), CalendarPeriod.MONTH, LONDON,
                LATER);

        assertThat(totals.kind()).isEqualTo("water_total");
        assertThat(totals.unit()).isEqualTo("L");
        assertThat(totals.periods()).extracting(t -> t.period().label(), Total::total, Total::complete)
                .containsExactly(tuple("2026-02", 672.0, true), tuple("2026-03", 743.0, true),
                        tuple("2026-04", 720.0, true));
        assertThat(totals.periods().get(2).period()).isEqualTo(new LocalPeriod(at("2026-03-31T23:00:00Z"),
                at("2026-04-30T23:00:00Z"), "2026-04"));
    }

    @Test
    void daysOf23And25Hours_whenTheClocksChange() {
        hourlyLitres(at("2026-03-27T00:00:00Z"), at("2026-03-31T00:00:00Z"));
        hourlyLitres(at("2026-10-23T00:00:00Z"), at("2026-10-27T00:00:00Z"));

        Totals spring = totals(at("2026-03-28T00:00:00Z"), at("2026-03-30T23:00:00Z"), CalendarPeriod.DAY, LONDON,
                LATER);
        Totals autumn = totals(at("2026-10-23T23:00:00Z"), at("2026-10-26T00:00:00Z"), CalendarPeriod.DAY, LONDON,
                LATER);

        assertThat(spring.periods()).extracting(t -> t.period().label(), Total::total)
                .containsExactly(tuple("2026-03-28", 24.0), tuple("2026-03-29", 23.0), tuple("2026-03-30", 24.0));
        assertThat(autumn.periods()).extracting(t -> t.period().label(), Total::total)
                .containsExactly(tuple("2026-10-24", 24.0), tuple("2026-10-25", 25.0));
        assertThat(autumn.periods().get(1).period().end() - autumn.periods().get(1).period().start())
                .isEqualTo(25 * HOUR);
    }

    @Test
    void aReset_countsTheNewValue_andAGap_givesItsIncreaseToTheDayAfterIt() {
        long d = at("2026-06-01T00:00:00Z");
        write(METER, "water_total", List.of(
                new long[] {d - HOUR, 95},
                new long[] {d, 100}, new long[] {d + 6 * HOUR, 110}, new long[] {d + 12 * HOUR, 120},
                new long[] {d + 18 * HOUR, 130},
                new long[] {d + DAY, 140}, new long[] {d + DAY + 6 * HOUR, 4}, new long[] {d + DAY + 12 * HOUR, 9},
                // nothing on the third day
                new long[] {d + 3 * DAY + 6 * HOUR, 29},
                // a meter replaced within minutes: 29 -> 30 -> 31, then 2 -> 5 on the new one
                new long[] {d + 4 * DAY, 30}, new long[] {d + 4 * DAY + 5 * MINUTE, 31},
                new long[] {d + 4 * DAY + 10 * MINUTE, 2}, new long[] {d + 4 * DAY + 14 * MINUTE, 5}));

        Totals totals = totals(d, d + 5 * DAY, CalendarPeriod.DAY, ZoneOffset.UTC, LATER);

        assertThat(totals.periods()).extracting(t -> t.period().label(), Total::total).containsExactly(
                tuple("2026-06-01", 35.0), tuple("2026-06-02", 19.0), tuple("2026-06-04", 20.0),
                tuple("2026-06-05", 7.0));
    }

    @Test
    void weeksAndYears_areLabelledTheIsoWay_andPeriodsCutByTheRangeOrNotOverAreIncomplete() {
        hourlyLitres(at("2026-12-20T00:00:00Z"), at("2027-01-06T00:00:00Z"));
        long from = at("2026-12-23T00:00:00Z");
        long to = at("2027-01-06T00:00:00Z");
        long now = at("2027-01-05T12:00:00Z");

        Totals weeks = totals(from, to, CalendarPeriod.WEEK, LONDON, now);
        Totals years = totals(from, to, CalendarPeriod.YEAR, LONDON, now);

        assertThat(weeks.periods()).extracting(t -> t.period().label(), Total::total, Total::complete)
                .containsExactly(tuple("2026-W52", 5 * 24.0, false), tuple("2026-W53", 7 * 24.0, true),
                        tuple("2027-W01", 2 * 24.0, false));
        assertThat(weeks.periods().get(1).period().start()).isEqualTo(at("2026-12-28T00:00:00Z"));
        assertThat(years.periods()).extracting(t -> t.period().label(), Total::total, Total::complete)
                .containsExactly(tuple("2026", 9 * 24.0, false), tuple("2027", 5 * 24.0, false));
    }

    @Test
    void inAZoneHalfAnHourOffTheHour_daysStillSplitAtLocalMidnight() {
        ZoneId kolkata = ZoneId.of("Asia/Kolkata"); // UTC+05:30: days start at 18:30 UTC
        List<long[]> readings = new ArrayList<>();
        long start = TEN_DAYS_AGO;
        for (int i = 0; i < 3 * 24 * 6; i++) { // every 10 minutes, a litre each
            readings.add(new long[] {start + i * 10 * MINUTE, i});
        }
        write(METER, "water_total", readings);

        Totals totals = totals(start + 18 * HOUR + 30 * MINUTE, start + 2 * DAY + 18 * HOUR + 30 * MINUTE,
                CalendarPeriod.DAY, kolkata, LATER);

        assertThat(totals.periods()).extracting(t -> t.period().label(), Total::total, Total::complete)
                .containsExactly(tuple(kolkataDay(start + DAY), 144.0, true), tuple(kolkataDay(start + 2 * DAY), 144.0,
                        true));
    }

    @Test
    void totalsOfADayWhoseRawReadingsAreGone_comeFromTheHourlyRollups() {
        long now = at("2026-09-01T00:00:00Z");
        long old = now - RETENTION.toMillis() - 10 * DAY;
        hourlyLitres(old - DAY, old + 2 * DAY);
        store.maintain(now);

        Totals totals = totals(old, old + DAY, CalendarPeriod.DAY, ZoneOffset.UTC, now);

        assertThat(totals.periods()).extracting(Total::total).containsExactly(24.0);
    }

    @Test
    void inAZoneHalfAnHourOffTheHour_daysWhoseRawReadingsAreGone_comeFromTheHourlyRollups_andRecentOnesFromRaw() {
        ZoneId kolkata = ZoneId.of("Asia/Kolkata");
        long now = TOMORROW;
        long start = now - RETENTION.toMillis() - 3 * DAY; // three days past retention, up to a day before now
        List<long[]> readings = new ArrayList<>();
        for (long t = start; t < now - DAY; t += 10 * MINUTE) { // a litre every 10 minutes
            readings.add(new long[] {t, (t - start) / (10 * MINUTE)});
        }
        write(METER, "water_total", readings);
        store.maintain(now);
        long firstDay = start + 18 * HOUR + 30 * MINUTE; // raw readings gone
        long lastDay = now - 2 * DAY - 5 * HOUR - 30 * MINUTE; // raw readings kept

        long rawSince = now - RETENTION.toMillis();

        Totals old = totals(firstDay, firstDay + DAY, CalendarPeriod.DAY, kolkata, now);
        Totals both = totals(firstDay, lastDay + DAY, CalendarPeriod.DAY, kolkata, now);

        // An hour of roll-up counts in the day it starts in: a day that is rolled up is off by up to an hour's 6 L.
        assertThat(old.periods()).singleElement().satisfies(day -> {
            assertThat(day.period().label()).isEqualTo(kolkataDay(start + DAY));
            assertThat(day.total()).isBetween(144.0 - 6, 144.0 + 6);
        });
        assertThat(both.periods()).hasSize(91).allSatisfy(day -> assertThat(day.total()).isBetween(144.0 - 6,
                144.0 + 6));
        assertThat(both.periods()).filteredOn(day -> day.period().start() > rawSince)
                .as("days with raw readings are exact").hasSize(88).extracting(Total::total).containsOnly(144.0);
        // Nothing lost or counted twice; the 3 L more were counted in the half hour before the range, in the hour
        // that straddles its start, whose roll-up cannot be split.
        assertThat(both.periods().stream().mapToDouble(Total::total).sum()).isEqualTo(91 * 144.0 + 3);
    }

    @Test
    void aSeriesThatIsNotACounter_isNamedWithItsKind_andOneWithoutData_hasNone() {
        write(new SeriesKey("food-forest", "shed", "soil"), "soil_moisture", List.of(new long[] {LATER - DAY, 30}));

        Totals soil = new CounterTotals(store).of(new SeriesKey("food-forest", "shed", "soil"), LATER - 2 * DAY, LATER,
                CalendarPeriod.DAY, ZoneOffset.UTC, LATER);
        Totals none = totals(LATER - 2 * DAY, LATER, CalendarPeriod.DAY, ZoneOffset.UTC, LATER);

        assertThat(soil.kind()).isEqualTo("soil_moisture");
        assertThat(soil.isCounter()).isFalse();
        assertThat(soil.periods()).isEmpty();
        assertThat(none.kind()).isNull();
        assertThat(none.periods()).isEmpty();
    }

    /** The label of the day in Kolkata (UTC+05:30) that begins at 18:30 UTC before this UTC midnight. */
    private static String kolkataDay(long utcMidnight) {
        return java.time.LocalDate.ofInstant(Instant.ofEpochMilli(utcMidnight), ZoneOffset.UTC).toString();
    }

    private List<Span> spans(long from, long to, long now) {
        ValveSpans.Spans spans = new ValveSpans(store).of(VALVE, from, to, now);
        assertThat(spans.kind()).isEqualTo("valve_state");
        return spans.spans();
    }

    private void valve(long... timesAndStates) {
        List<long[]> readings = new ArrayList<>();
        for (int i = 0; i < timesAndStates.length; i += 2) {
            readings.add(new long[] {timesAndStates[i], timesAndStates[i + 1]});
        }
        write(VALVE, "valve_state", readings);
    }

    @Test
    void spans_runFromTheFirstOpenReadingToTheFirstClosedOne_andTheLastStaysOpenUpToNow() {
        long t = TEN_DAYS_AGO + 6 * HOUR;
        valve(t, 0, t + 10 * MINUTE, 1, t + 11 * MINUTE, 1, t + 20 * MINUTE, 0, t + 30 * MINUTE, 0,
                t + 60 * MINUTE, 1, t + 61 * MINUTE, 1);

        assertThat(spans(t, t + 2 * HOUR, t + 2 * HOUR)).containsExactly(
                new Span(t + 10 * MINUTE, t + 20 * MINUTE, false), new Span(t + 60 * MINUTE, null, false));
        assertThat(spans(t, t + 2 * HOUR, LATER)).as("a range that ends before now ends the last span")
                .containsExactly(new Span(t + 10 * MINUTE, t + 20 * MINUTE, false),
                        new Span(t + 60 * MINUTE, t + 2 * HOUR, false));
        assertThat(spans(t + 15 * MINUTE, t + 45 * MINUTE, LATER)).as("open before the range: clipped to from")
                .containsExactly(new Span(t + 15 * MINUTE, t + 20 * MINUTE, false));
    }

    @Test
    void spansOlderThanRawRetention_useTheHourlyRollups_andSayTheyAreApproximate() {
        long now = at("2026-09-01T00:00:00Z");
        long h = at("2026-05-01T06:00:00Z"); // well past 90 days
        valve(h - HOUR, 0, h + 10 * MINUTE, 0, h + 30 * MINUTE, 1, h + HOUR + 50 * MINUTE, 1,
                h + 2 * HOUR + 10 * MINUTE, 0, h + 5 * HOUR + 10 * MINUTE, 1, h + 5 * HOUR + 20 * MINUTE, 0);
        store.maintain(now);

        assertThat(spans(h - 2 * HOUR, h + 7 * HOUR, now)).containsExactly(
                new Span(h, h + 2 * HOUR, true), new Span(h + 5 * HOUR, h + 6 * HOUR, true));
    }

    @Test
    void spansOfASensorThatIsNotAValve_areRefusedByKind() {
        write(METER, "water_total", List.of(new long[] {LATER - HOUR, 5}));

        assertThat(new ValveSpans(store).of(METER, LATER - DAY, LATER, LATER).kind()).isEqualTo("water_total");
        assertThat(new ValveSpans(store).of(VALVE, LATER - DAY, LATER, LATER))
                .isEqualTo(new ValveSpans.Spans(null, null, List.of()));
    }
}
