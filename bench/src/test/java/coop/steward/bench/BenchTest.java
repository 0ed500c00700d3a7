package coop.steward.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class BenchTest {
    private static final long HOUR = 3_600_000L;
    private static final long SOME_HOUR = 1_796_000_000_000L / HOUR * HOUR;

    @Test
    void theDefaultLoadIsWithinTheProtocolsDayAhead_atAnyMinuteOfTheHour() {
        for (long into : new long[] {1, 60_000, 30 * 60_000, HOUR - 1}) {
            assertThat(Bench.loadsTooFarAhead(20_000, SOME_HOUR + into)).as("%d ms into the hour", into).isNull();
        }
    }

    @Test
    void twiceTheDefaultLoad_isRefusedBeforeTheRun_withTheMostThatFitsAtAnyMinute() {
        String refusal = Bench.loadsTooFarAhead(40_000, SOME_HOUR + 50 * 60_000);

        assertThat(refusal).contains("--messages 40,000").contains("24 hours ahead");
        Matcher most = Pattern.compile("Use --messages ([0-9,]+) or fewer").matcher(refusal);
        assertThat(most.find()).as(refusal).isTrue();
        int fits = Integer.parseInt(most.group(1).replace(",", ""));
        assertThat(fits).isBetween(20_000, 39_000);
        assertThat(Bench.loadsTooFarAhead(fits, SOME_HOUR + 1)).isNull();
        assertThat(Bench.loadsTooFarAhead(fits + 1_000, SOME_HOUR + 50 * 60_000)).isNotNull();
    }

    @Test
    void aLoadsNewestReading_isTheLastOfItsLastMessage() {
        Load load = new Load(20, 2_000, 50, SOME_HOUR);

        long last = load.readings(load.messagesOf(0) - 1).stream().mapToLong(r -> r.t()).max().orElseThrow();
        assertThat(load.newest()).isEqualTo(last);
    }
}
