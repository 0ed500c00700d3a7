package coop.steward.collector.store;

import static org.assertj.core.api.Assertions.assertThat;

import coop.steward.protocol.Reading;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What every back end must do, the same tests run against each: {@link SqliteReadingStoreTest} and
 * {@link InfluxReadingStoreTest}.
 */
abstract class ReadingStoreContract {
    private static final SeriesKey SOIL = new SeriesKey("food-forest", "bed-1", "soil-a");
    /**
     * 16:00 UTC a week ago: within raw retention by the real clock, which is InfluxDB's (its retention policy drops
     * what is older than the retention by the server's clock, whatever a test's clock says).
     */
    protected static final long T0 = Math.floorDiv(System.currentTimeMillis(), 86_400_000L) * 86_400_000L
            - 7 * 86_400_000L + 16 * 3_600_000L;

    protected static final Duration RETENTION = Duration.ofDays(90);
    protected ReadingStore store;

    /** A new, empty store whose raw readings are kept for {@link #RETENTION}. */
    protected abstract ReadingStore openStore();

    /** The same store closed and opened again, as after a restart. */
    protected abstract ReadingStore reopen(ReadingStore closed);

    @BeforeEach
    void open() {
        store = openStore();
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static Reading soil(long t, double value) {
        return new Reading("soil-a", "soil_moisture", t, value, null);
    }

    private long write(Reading... readings) {
        return store.write(List.of(new DeviceReadings("food-forest", "bed-1", List.of(readings), T0)), List.of());
    }

    @Test
    void sameIdentityTwice_keepsTheFirstCopyOnly() {
        assertThat(write(soil(T0, 30.0), soil(T0 + 1000, 31.0))).isEqualTo(2);
        assertThat(write(soil(T0, 99.0), soil(T0 + 2000, 32.0))).isEqualTo(1);

        SeriesData data = store.query(SeriesQuery.raw(SOIL, T0, T0 + 10_000, 100));
        assertThat(data.t()).containsExactly(T0, T0 + 1000, T0 + 2000);
        assertThat(data.value()).containsExactly(30.0, 31.0, 32.0);
    }

    @Test
    void rawQuery_includesFromAndExcludesTo() {
        write(soil(T0, 1), soil(T0 + 1000, 2), soil(T0 + 2000, 3));

        SeriesData data = store.query(SeriesQuery.raw(SOIL, T0 + 1000, T0 + 2000, 100));

        assertThat(data.t()).containsExactly(T0 + 1000);
        assertThat(data.kind()).isEqualTo("soil_moisture");
        assertThat(data.unit()).isEqualTo("%");
    }

    @Test
    void rawQuery_overTheLimit_isTruncatedAndSaysSo() {
        write(soil(T0, 1), soil(T0 + 1000, 2), soil(T0 + 2000, 3));

        SeriesData data = store.query(SeriesQuery.raw(SOIL, T0, T0 + 10_000, 2));

        assertThat(data.t()).containsExactly(T0, T0 + 1000);
        assertThat(data.truncated()).isTrue();
    }

    @Test
    void seriesWithoutData_answersEmpty() {
        SeriesData data = store.query(SeriesQuery.raw(new SeriesKey("nowhere", "none", "x"), 0, T0, 10));

        assertThat(data.t()).isEmpty();
        assertThat(data.value()).isEmpty();
        assertThat(data.truncated()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"mean, 2.0, 10.0", "min, 1.0, 10.0", "max, 3.0, 10.0", "last, 3.0, 10.0", "sum, 6.0, 10.0",
            "count, 3.0, 1.0"})
    void bucketedQuery_aggregatesEachAlignedBucket(String agg, double first, double second) {
        // The first bucket gets 1, then 2 (t+10 s) and 3 (t+20 s), written out of order: last is 3.
        write(soil(T0, 1), soil(T0 + 20_000, 3), soil(T0 + 10_000, 2), soil(T0 + 60_000, 10));

        SeriesData data = store.query(new SeriesQuery(SOIL, T0, T0 + 120_000, Aggregation.parse(agg).orElseThrow(),
                60_000, 100));

        assertThat(data.t()).containsExactly(T0, T0 + 60_000);
        assertThat(data.value()).containsExactly(first, second);
    }

    @Test
    void bucketStarts_areAlignedToTheEpochNotToFrom() {
        write(soil(T0 + 30_000, 5), soil(T0 + 90_000, 7));

        SeriesData data = store.query(new SeriesQuery(SOIL, T0 + 15_000, T0 + 120_000, Aggregation.MEAN, 60_000, 100));

        assertThat(data.t()).containsExactly(T0, T0 + 60_000);
    }

    @Test
    void emptyBuckets_areLeftOut() {
        write(soil(T0, 5), soil(T0 + 180_000, 7));

        SeriesData data = store.query(new SeriesQuery(SOIL, T0, T0 + 240_000, Aggregation.MAX, 60_000, 100));

        assertThat(data.t()).containsExactly(T0, T0 + 180_000);
    }

    @Test
    void devicesAndSensors_showTheLatestReadingAndLastSeen() {
        write(soil(T0, 30), soil(T0 + 5000, 28));
        store.write(List.of(), List.of(new DeviceStatus("food-forest", "bed-1", "online", T0 + 9000)));

        assertThat(store.devices()).containsExactly(new DeviceStatus("food-forest", "bed-1", "online", T0 + 9000));
        assertThat(store.sensors()).containsExactly(new SensorSummary(SOIL, "soil_moisture", "%",
                new Point(T0 + 5000, 28)));
    }

    @Test
    void data_survivesReopening() {
        write(soil(T0, 30));
        store.close();
        store = reopen(store);

        assertThat(write(soil(T0, 31), soil(T0 + 1, 32))).isEqualTo(1);
        assertThat(store.query(SeriesQuery.raw(SOIL, 0, T0 + 10, 10)).value()).containsExactly(30.0, 32.0);
    }

    @Test
    void largeBatch_isCommittedWhole() {
        List<Reading> readings = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            readings.add(soil(T0 + i * 1000L, i % 100));
        }
        long inserted = store.write(List.of(new DeviceReadings("food-forest", "bed-1", readings, T0)), List.of());

        assertThat(inserted).isEqualTo(20_000);
        assertThat(store.query(new SeriesQuery(SOIL, 0, Long.MAX_VALUE, Aggregation.COUNT, 86_400_000L * 365, 10))
                .value()).containsExactly(20_000.0);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"mean", "min", "max", "last", "sum", "count"})
    void hourlyAndDailySteps_matchAggregatingTheRawReadings(String agg) {
        Aggregation aggregation = Aggregation.parse(agg).orElseThrow();
        List<Reading> readings = new ArrayList<>();
        long start = T0 - 3 * 86_400_000L;
        for (int i = 0; i < 4 * 24 * 60; i += 7) { // every 7 minutes for four days, out of step with the hours
            readings.add(soil(start + i * 60_000L, (i * 37) % 100 + 0.25));
        }
        store.write(List.of(new DeviceReadings("food-forest", "bed-1", readings, T0)), List.of());
        // from and to off the hour: the partial hours at both ends count too.
        long from = start + 25 * 60_000L;
        long to = T0 + 86_400_000L - 13 * 60_000L;

        for (long step : new long[] {3_600_000L, 6 * 3_600_000L, 86_400_000L}) {
            SeriesData data = store.query(new SeriesQuery(SOIL, from, to, aggregation, step, 10_000));
            java.util.TreeMap<Long, Bucket> expected = new java.util.TreeMap<>();
            for (Reading r : readings) {
                if (r.t() >= from && r.t() < to) {
                    expected.computeIfAbsent(Math.floorDiv(r.t(), step) * step, b -> new Bucket()).add(r.t(), r.value());
                }
            }
            assertThat(data.t()).as("bucket starts for step %d", step)
                    .containsExactly(expected.keySet().stream().mapToLong(Long::longValue).toArray());
            double[] values = expected.values().stream().mapToDouble(b -> b.value(aggregation)).toArray();
            assertThat(data.value()).as("values for step %d", step)
                    .containsExactly(values, org.assertj.core.data.Offset.offset(1e-9));
        }
    }

    @Test
    void replaysInTheMiddleOfALargeBatch_areKeptOnce_andEveryNewReadingAroundThemIsStored() {
        Reading[] first = new Reading[1_200];
        for (int i = 0; i < first.length; i++) {
            first[i] = soil(T0 + i * 1000L, 10);
        }
        assertThat(write(first)).isEqualTo(1_200);
        // 2,000 readings from T0 + 1,000 s: the first 200 replay stored ones with other values.
        Reading[] second = new Reading[2_000];
        for (int i = 0; i < second.length; i++) {
            second[i] = soil(T0 + (1_000 + i) * 1000L, 20);
        }

        assertThat(write(second)).isEqualTo(1_800);
        SeriesData count = store.query(new SeriesQuery(SOIL, T0 - 86_400_000L, T0 + 86_400_000L, Aggregation.COUNT,
                86_400_000L, 10));
        assertThat(Arrays.stream(count.value()).sum()).isEqualTo(3_000.0);
        SeriesData sum = store.query(new SeriesQuery(SOIL, T0 - 86_400_000L, T0 + 86_400_000L, Aggregation.SUM,
                86_400_000L, 10));
        assertThat(Arrays.stream(sum.value()).sum()).isEqualTo(1_200 * 10.0 + 1_800 * 20.0);
    }

    @Test
    void replays_doNotCountTwiceInLongRangeAggregates() {
        write(soil(T0, 10), soil(T0 + 60_000, 20));
        write(soil(T0, 10), soil(T0 + 60_000, 20), soil(T0 + 120_000, 30));

        SeriesData data = store.query(new SeriesQuery(SOIL, T0 - 86_400_000L, T0 + 86_400_000L, Aggregation.COUNT,
                86_400_000L, 10));

        assertThat(Arrays.stream(data.value()).sum()).isEqualTo(3.0);
    }

    @Test
    void rawReadingsPastRetention_areDropped_butHourlyAggregatesKeepThem() {
        long now = T0;
        long old = now - RETENTION.toMillis() - 86_400_000L; // a day past retention
        write(soil(old, 10), soil(old + 60_000, 30), soil(now - 60_000, 50));

        store.maintain(now);

        assertThat(store.query(SeriesQuery.raw(SOIL, 0, now + 1, 100)).t()).containsExactly(now - 60_000);
        SeriesData daily = store.query(new SeriesQuery(SOIL, old - 86_400_000L * 2, now + 86_400_000L,
                Aggregation.MEAN, 86_400_000L, 100));
        assertThat(daily.value()).containsExactly(20.0, 50.0);
    }

    @Test
    void emptyRange_answersNoPoints() {
        write(soil(T0, 10));

        assertThat(store.query(SeriesQuery.raw(SOIL, T0 + 1, T0 + 1, 100)).t()).isEmpty();
        assertThat(store.query(new SeriesQuery(SOIL, T0 + 1, T0 + 1, Aggregation.MEAN, 3_600_000L, 100)).t())
                .isEmpty();
        assertThat(store.query(new SeriesQuery(SOIL, T0 - 10_000, T0, Aggregation.MEAN, 60_000, 100)).t()).isEmpty();
    }

    @Test
    void replayOfAReadingPastRetention_isNotCountedTwice() {
        long now = T0;
        long old = now - RETENTION.toMillis() - 86_400_000L;
        write(soil(old, 10), soil(old + 60_000, 30));
        store.maintain(now);

        write(soil(old, 10), soil(old + 60_000, 30)); // an agent replaying a very old outbox
        store.maintain(now);

        SeriesData daily = store.query(new SeriesQuery(SOIL, old - 86_400_000L, old + 86_400_000L,
                Aggregation.COUNT, 86_400_000L, 100));
        assertThat(daily.value()).containsExactly(2.0);
    }

    @Test
    void seriesKindAndUnit_areThoseOfTheLatestReading() {
        write(soil(T0, 30));
        store.write(List.of(new DeviceReadings("food-forest", "bed-1",
                List.of(new Reading("soil-a", "x_soil_raw", T0 + 1000, 2.4, "V")), T0)), List.of());

        assertThat(store.query(SeriesQuery.raw(SOIL, T0, T0 + 2000, 10)))
                .extracting(SeriesData::kind, SeriesData::unit).containsExactly("x_soil_raw", "V");
        assertThat(store.sensors()).singleElement().extracting(SensorSummary::kind).isEqualTo("x_soil_raw");
    }

    @Test
    void lastWillWithoutATime_changesTheStateButNotLastSeen() {
        store.write(List.of(), List.of(new DeviceStatus("food-forest", "bed-2", "offline", null)));
        store.write(List.of(), List.of(new DeviceStatus("food-forest", "bed-2", "offline", null)));
        assertThat(store.devices()).containsExactly(new DeviceStatus("food-forest", "bed-2", "offline", null));

        store.write(List.of(), List.of(new DeviceStatus("food-forest", "bed-2", "online", T0)));
        store.write(List.of(), List.of(new DeviceStatus("food-forest", "bed-2", "offline", null)));
        assertThat(store.devices()).containsExactly(new DeviceStatus("food-forest", "bed-2", "offline", T0));
    }

    @ParameterizedTest(name = "maxPoints={0}")
    @CsvSource({"1000", "100", "10"})
    void maxPointsStep_answersAtMostThatManyBuckets_coveringEveryReading(int maxPoints) {
        List<Reading> readings = new ArrayList<>();
        for (int i = 0; i < 2 * 24 * 60; i++) { // two days, one reading a minute
            readings.add(soil(T0 + i * 60_000L, i % 50));
        }
        store.write(List.of(new DeviceReadings("food-forest", "bed-1", readings, T0)), List.of());
        long from = T0 + 7 * 60_000L;
        long to = T0 + 2 * 86_400_000L - 3 * 60_000L;

        long step = SeriesQuery.stepFor(from, to, maxPoints);
        SeriesData data = store.query(new SeriesQuery(SOIL, from, to, Aggregation.COUNT, step, 100_000));

        assertThat(data.t().length).isLessThanOrEqualTo(maxPoints);
        assertThat(Arrays.stream(data.value()).sum()).as("every reading in [from, to) counted once")
                .isEqualTo((double) readings.stream().filter(r -> r.t() >= from && r.t() < to).count());
    }

    @ParameterizedTest(name = "{0} every {1} ms")
    @CsvSource({"mean, 60000", "mean, 900000", "mean, 3600000", "mean, 86400000", "last, 60000", "last, 900000",
            "last, 3600000", "last, 86400000"})
    void envelope_givesEachBucketsMinAndMax_besideItsValue_fromTheSameQuery(String agg, long step) {
        Aggregation aggregation = Aggregation.parse(agg).orElseThrow();
        List<Reading> readings = new ArrayList<>();
        long start = T0 - 86_400_000L;
        for (int i = 0; i < 2 * 24 * 60; i += 7) { // every 7 minutes for two days, written newest first
            readings.add(0, soil(start + i * 60_000L + 1_000, (i * 37) % 100 + 0.25));
        }
        store.write(List.of(new DeviceReadings("food-forest", "bed-1", readings, T0)), List.of());
        long from = start + 25 * 60_000L;
        long to = T0 + 86_400_000L - 13 * 60_000L;

        SeriesData data = store.query(new SeriesQuery(SOIL, from, to, aggregation, step, 10_000).withEnvelope());

        java.util.TreeMap<Long, Bucket> expected = new java.util.TreeMap<>();
        for (Reading r : readings) {
            if (r.t() >= from && r.t() < to) {
                expected.computeIfAbsent(Math.floorDiv(r.t(), step) * step, b -> new Bucket()).add(r.t(), r.value());
            }
        }
        assertThat(data.hasEnvelope()).isTrue();
        assertThat(data.t()).containsExactly(expected.keySet().stream().mapToLong(Long::longValue).toArray());
        assertThat(data.value()).containsExactly(expected.values().stream().mapToDouble(b -> b.value(aggregation))
                .toArray(), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(data.min()).containsExactly(expected.values().stream().mapToDouble(Bucket::min).toArray());
        assertThat(data.max()).containsExactly(expected.values().stream().mapToDouble(Bucket::max).toArray());
    }

    @Test
    void envelope_cutByTheLimit_isCutWithTheValues_andASeriesWithoutData_hasAnEmptyOne() {
        write(soil(T0, 1), soil(T0 + 30_000, 5), soil(T0 + 60_000, 2), soil(T0 + 120_000, 3));

        SeriesData cut = store.query(new SeriesQuery(SOIL, T0, T0 + 600_000, Aggregation.MEAN, 60_000, 2)
                .withEnvelope());
        SeriesData none = store.query(new SeriesQuery(new SeriesKey("nowhere", "none", "x"), T0, T0 + 600_000,
                Aggregation.MEAN, 60_000, 2).withEnvelope());

        assertThat(cut.t()).containsExactly(T0, T0 + 60_000);
        assertThat(cut.value()).containsExactly(3.0, 2.0);
        assertThat(cut.min()).containsExactly(1.0, 2.0);
        assertThat(cut.max()).containsExactly(5.0, 2.0);
        assertThat(cut.truncated()).isTrue();
        assertThat(none.kind()).isNull();
        assertThat(none.t()).isEmpty();
        assertThat(none.min()).isEmpty();
        assertThat(none.max()).isEmpty();
    }

    @Test
    void dailyEnvelope_outlivesRawRetention() {
        long now = T0;
        long old = now - RETENTION.toMillis() - 86_400_000L;
        write(soil(old, 10), soil(old + 60_000, 30), soil(old + 120_000, 20));
        store.maintain(now);

        SeriesData daily = store.query(new SeriesQuery(SOIL, old - 86_400_000L, old + 86_400_000L, Aggregation.MEAN,
                86_400_000L, 10).withEnvelope());

        assertThat(daily.value()).containsExactly(20.0);
        assertThat(daily.min()).containsExactly(10.0);
        assertThat(daily.max()).containsExactly(30.0);
    }

    @Test
    void latestBefore_isTheLastReadingBeforeTheTime_howeverOld_evenPastRawRetention() {
        long now = T0;
        long old = now - RETENTION.toMillis() - 86_400_000L;
        write(soil(old, 10), soil(old + 60_000, 30), soil(now - 7_200_000L, 50), soil(now - 60_000, 60));
        store.maintain(now);

        assertThat(store.query(SeriesQuery.latestBefore(SOIL, now)).value()).containsExactly(60.0);
        assertThat(store.query(SeriesQuery.latestBefore(SOIL, now - 60_000)).value()).containsExactly(50.0);
        assertThat(store.query(SeriesQuery.latestBefore(SOIL, now - 7_200_000L)).value())
                .as("from the hourly roll-up of a day whose raw readings are gone").containsExactly(30.0);
        assertThat(store.query(SeriesQuery.latestBefore(SOIL, old)).value()).isEmpty();
        assertThat(store.query(SeriesQuery.latestBefore(new SeriesKey("nowhere", "none", "x"), now)).value())
                .isEmpty();
    }
}
