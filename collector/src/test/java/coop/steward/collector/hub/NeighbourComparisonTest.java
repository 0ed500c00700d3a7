package coop.steward.collector.hub;

import static org.assertj.core.api.Assertions.assertThat;

import coop.steward.collector.config.ArrayConfig;
import coop.steward.collector.config.Neighbours;
import coop.steward.protocol.NeighbourReport;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class NeighbourComparisonTest {
    private static final ZoneId ZONE = ZoneId.of("Europe/Lisbon");
    private static final LocalDate FIRST = LocalDate.of(2026, 6, 1);
    private final NeighbourComparison comparison = new NeighbourComparison(Neighbours.DEFAULT);

    @Test
    void threeJudgedDaysBelowTheMedianOfOtherSitesArraysMakeAnArrayBelow() {
        NeighbourComparison.ArrayDays judged = array("orchard", "south", 5.0, 3.0, 3.0, 3.0);
        NeighbourReport.Verdict verdict = comparison.judge(judged, region(judged, 5.0, 5.0, 5.0, 5.0));

        assertThat(verdict.state()).isEqualTo(NeighbourReport.BELOW);
        assertThat(verdict.daysBelow()).isEqualTo(3);
        assertThat(verdict.day()).isEqualTo("2026-06-04");
        assertThat(verdict.yield()).isEqualTo(3.0);
        assertThat(verdict.median()).isEqualTo(5.0);
        assertThat(verdict.peers()).isEqualTo(3);
        assertThat(verdict.since()).as("the first day below, from its midnight")
                .isEqualTo(FIRST.plusDays(1).atStartOfDay(ZONE).toInstant().toEpochMilli());
    }

    @Test
    void aDayBackInLineWithTheNeighboursEndsTheRun() {
        NeighbourComparison.ArrayDays judged = array("orchard", "south", 3.0, 3.0, 3.0, 4.5);
        NeighbourReport.Verdict verdict = comparison.judge(judged, region(judged, 5.0, 5.0, 5.0, 5.0));

        assertThat(verdict.state()).isEqualTo(NeighbourReport.FINE);
        assertThat(verdict.daysBelow()).isZero();
        assertThat(verdict.since()).isNull();
    }

    @Test
    void twoDaysBelowAreNotYetEnough() {
        NeighbourComparison.ArrayDays judged = array("orchard", "south", 5.0, 5.0, 3.0, 3.0);
        assertThat(comparison.judge(judged, region(judged, 5.0, 5.0, 5.0, 5.0)).state())
                .isEqualTo(NeighbourReport.FINE);
    }

    @Test
    void onADimDayAnArrayIsGivenMoreRoomThanOnABrightOne() {
        // 65% of the median: below on bright days (75% asked), not on dim ones (60% asked, median under 2).
        NeighbourComparison.ArrayDays bright = array("orchard", null, 3.25, 3.25, 3.25);
        NeighbourComparison.ArrayDays dim = array("orchard", null, 1.17, 1.17, 1.17);

        assertThat(comparison.judge(bright, region(bright, 5.0, 5.0, 5.0)).state()).isEqualTo(NeighbourReport.BELOW);
        NeighbourReport.Verdict verdict = comparison.judge(dim, region(dim, 1.8, 1.8, 1.8));
        assertThat(verdict.state()).isEqualTo(NeighbourReport.FINE);
        assertThat(verdict.below()).isEqualTo(0.6);
    }

    @Test
    void darkDaysAreNotJudgedAndDoNotBreakARun() {
        // Day 3 is a snow day everywhere (median 0.1): the run goes on across it.
        NeighbourComparison.ArrayDays judged = array("orchard", null, 3.0, 3.0, 0.0, 3.0);
        List<NeighbourComparison.ArrayDays> region = new ArrayList<>(List.of(judged));
        for (String site : List.of("hill", "river", "school")) {
            region.add(array(site, null, 5.0, 5.0, 0.1, 5.0));
        }
        NeighbourReport.Verdict verdict = comparison.judge(judged, region);

        assertThat(verdict.state()).isEqualTo(NeighbourReport.BELOW);
        assertThat(verdict.daysBelow()).isEqualTo(3);
    }

    @Test
    void aSitesOwnArraysAreNotItsNeighbours() {
        NeighbourComparison.ArrayDays judged = array("orchard", null, 3.0, 3.0, 3.0);
        List<NeighbourComparison.ArrayDays> region = new ArrayList<>(List.of(judged));
        region.add(array("orchard", null, 5.0, 5.0, 5.0));
        region.add(array("orchard", null, 5.0, 5.0, 5.0));
        region.add(array("hill", null, 5.0, 5.0, 5.0));
        region.add(array("river", null, 5.0, 5.0, 5.0));

        NeighbourReport.Verdict verdict = comparison.judge(judged, region);
        assertThat(verdict.state()).isEqualTo(NeighbourReport.UNJUDGED);
        assertThat(verdict.why()).isEqualTo("fewer than 3 arrays of other sites had a whole day of readings on the "
                + "same days");
    }

    @Test
    void anArrayFacingOneWayIsComparedOnlyWithArraysFacingTheSame() {
        // East-facing arrays make less than south-facing ones; among east-facing ones, this one is in line.
        NeighbourComparison.ArrayDays judged = array("orchard", "east", 3.0, 3.0, 3.0);
        List<NeighbourComparison.ArrayDays> region = new ArrayList<>(List.of(judged));
        for (String site : List.of("hill", "river", "school", "farm")) {
            region.add(array(site, "south", 5.0, 5.0, 5.0));
            region.add(array(site, "east", 3.2, 3.2, 3.2));
        }
        NeighbourReport.Verdict verdict = comparison.judge(judged, region);

        assertThat(verdict.state()).isEqualTo(NeighbourReport.FINE);
        assertThat(verdict.median()).isEqualTo(3.2);
        assertThat(comparison.judge(region.get(1), region).median()).as("south among south").isEqualTo(5.0);
    }

    @Test
    void anArrayWithNoWholeDaySaysSo() {
        NeighbourComparison.ArrayDays judged = array("orchard", null);
        assertThat(comparison.judge(judged, region(judged, 5.0)).why())
                .isEqualTo("the hub has no whole day of its readings lately");
    }

    /** The judged array among three arrays of other sites facing south, each with these days. */
    private static List<NeighbourComparison.ArrayDays> region(NeighbourComparison.ArrayDays judged, double... days) {
        List<NeighbourComparison.ArrayDays> region = new ArrayList<>(List.of(judged));
        for (String site : List.of("hill", "river", "school")) {
            region.add(array(site, "south", days));
        }
        return region;
    }

    private static NeighbourComparison.ArrayDays array(String site, String facing, double... days) {
        TreeMap<LocalDate, Double> yields = new TreeMap<>();
        for (int i = 0; i < days.length; i++) {
            yields.put(FIRST.plusDays(i), days[i]);
        }
        return new NeighbourComparison.ArrayDays(new ArrayConfig(site, "array", null, 1000, facing), ZONE, yields);
    }
}
