package coop.steward.collector.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The embedded store inserts a transaction's rows in primary-key order: by series, then by time. */
class InsertOrderTest {
    private record Row(long id, long t, double value) {
    }

    /** Ids close together (counted into place), far apart (sorted), and too large to pack into a sort key. */
    @ParameterizedTest
    @CsvSource({"1, 1", "1, 1000000", "1099511627776, 8589934592"})
    void interleavedMessagesAndResends_comeOutBySeriesThenTime_withEveryValueKeptWithItsRow(long idBase, long apart) {
        Random random = new Random(idBase + apart);
        for (int round = 0; round < 200; round++) {
            int n = 1 + random.nextInt(400);
            List<Row> rows = new ArrayList<>();
            long[] next = new long[7];
            for (int i = 0; i < n; i++) {
                int series = random.nextInt(7);
                // Mostly in time order per series, as devices send; now and then a resend from the past.
                long t = random.nextInt(10) == 0 ? random.nextInt(1_000) : (next[series] += 1 + random.nextInt(3));
                rows.add(new Row(idBase + series * apart, t, random.nextDouble()));
            }
            long[] ids = rows.stream().mapToLong(Row::id).toArray();
            long[] times = rows.stream().mapToLong(Row::t).toArray();
            double[] values = rows.stream().mapToDouble(Row::value).toArray();

            InsertOrder.sortBySeriesAndTime(ids, times, values, n);

            List<Row> sorted = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                sorted.add(new Row(ids[i], times[i], values[i]));
            }
            assertThat(sorted).containsExactlyInAnyOrderElementsOf(rows)
                    .isSortedAccordingTo(Comparator.comparingLong(Row::id).thenComparingLong(Row::t));
        }
    }
}
