package coop.steward.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class BenchTest {
    private static final long HOUR = 3_600_000L;
    private static final long SOME_HOUR = 1_796_000_000_000L / HOUR * HOUR;

    @Test
    void theDefaultLoadIsWithinTheProtocolsDayAhead_whateverTheMinute() {
        for (long into : new long[] {1, 60_000, 30 * 60_000, HOUR - 1}) {
            assertThat(Bench.loadsTooFarAhead(20_000, SOME_HOUR + into, true)).as("%d ms into the hour", into)
                    .isNull();
        }
    }

    @Test
    void onInfluxDB_moreThanTheDefaultLoad_isRefusedBeforeTheRun_withTheMostThatFits() {
        String refusal = Bench.loadsTooFarAhead(20_500, SOME_HOUR + 50 * 60_000, true);

        assertThat(refusal).contains("--messages 20,500").contains("24 hours ahead");
        // Its last timed load, moved on 6 hours three times, ends 2 s before the day ahead is over.
        assertThat(mostThatFits(refusal)).isEqualTo(20_000);
    }

    @Test
    void theEmbeddedStoresLoads_startAMonthBack_andAreRefusedOnlyWhenTheirRoundsReachPastTheDayAhead() {
        assertThat(Bench.loadsTooFarAhead(100_000, SOME_HOUR, false)).isNull();

        String refusal = Bench.loadsTooFarAhead(2_000_000, SOME_HOUR, false);
        int fits = mostThatFits(refusal);
        assertThat(Bench.loadsTooFarAhead(fits, SOME_HOUR, false)).isNull();
        assertThat(Bench.loadsTooFarAhead(fits + 1, SOME_HOUR, false)).isNotNull();
        assertThat(fits).isBetween(100_000, 2_000_000);
    }

    @Test
    void aLoadsNewestReading_isTheLastOfItsLastMessage() {
        Load load = new Load(20, 2_000, 50, SOME_HOUR);

        long last = load.readings(load.messagesOf(0) - 1).stream().mapToLong(r -> r.t()).max().orElseThrow();
        assertThat(load.newest()).isEqualTo(last);
    }

    private static int mostThatFits(String refusal) {
        assertThat(refusal).isNotNull();
        Matcher most = Pattern.compile("Use --messages ([0-9,]+) or fewer").matcher(refusal);
        assertThat(most.find()).as(refusal).isTrue();
        return Integer.parseInt(most.group(1).replace(",", ""));
    }
}
