package coop.steward.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.util.List;
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
    void howTheCollectorsRunsDivided_givesEachPartsMedian_andEveryRun() {
        List<CollectorRun.Phases> runs = List.of(
                new CollectorRun.Phases(new Timed.Span(1.0, 2.0), 0.5, new Timed.Span(0.5, 0.75)),
                new CollectorRun.Phases(new Timed.Span(2.0, 3.8), 0.9, new Timed.Span(0.1, 0.2)),
                new CollectorRun.Phases(new Timed.Span(1.5, 3.0), 0.6, new Timed.Span(0.4, 0.6)));
        int cores = Timed.machineCores();

        String note = Bench.howTheRunsDivided("these runs", runs);

        assertThat(note).contains("medians of 3")
                .contains("1.50 s with 2.00 of " + cores + " cores busy")
                .contains("stored 60 % of the load")
                .contains("took 0.40 s more, with 1.50 of " + cores + " cores busy")
                .contains("1.00 s at 2.00 busy, 50 % stored, then 0.50 s at 1.50; 2.00 s at 1.90 busy");
    }

    @Test
    void aSpanUntilALaterOne_isWhatCameBetween() {
        Timed.Span publishing = new Timed.Span(1.5, 2.9);
        Timed.Span whole = new Timed.Span(2.0, 3.7);

        Timed.Span after = publishing.until(whole);

        assertThat(after.seconds()).isCloseTo(0.5, offset(1e-9));
        assertThat(after.coresBusy()).isCloseTo(1.6, offset(1e-9));
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
