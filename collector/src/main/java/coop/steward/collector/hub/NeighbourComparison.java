package coop.steward.collector.hub;

import coop.steward.collector.config.ArrayConfig;
import coop.steward.collector.config.Neighbours;
import coop.steward.protocol.NeighbourReport;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Judges each array of a region against the arrays of the other sites, day by day (see {@link Neighbours}): a
 * site's own arrays are never its neighbours, since its own sibling comparison already sees them, and a fault that
 * hits a whole site (a shared inverter, the same dust) would hide among them. Days that cannot be judged (too few
 * peers with a whole day, too dark) neither count nor break a run. Pure: the yields come from {@link DailyYields}.
 */
final class NeighbourComparison {
    /** An array with its specific yield on each whole day it had. */
    record ArrayDays(ArrayConfig array, ZoneId zone, TreeMap<LocalDate, Double> yields) {
    }

    private final Neighbours config;

    NeighbourComparison(Neighbours config) {
        this.config = config;
    }

    /** The verdict on {@code judged}, among {@code region} (which may hold it too; it is left out of its peers). */
    NeighbourReport.Verdict judge(ArrayDays judged, List<ArrayDays> region) {
        ArrayConfig array = judged.array();
        List<ArrayDays> peers = region.stream().filter(p -> !p.array().site().equals(array.site())
                && (array.facing() == null || array.facing().equals(p.array().facing()))).toList();
        int run = 0;
        LocalDate runStart = null;
        LocalDate lastDay = null;
        double lastYield = 0;
        double lastMedian = 0;
        int lastPeers = 0;
        double lastBelow = 0;
        boolean fewPeers = false;
        for (Map.Entry<LocalDate, Double> day : judged.yields().entrySet()) {
            double[] others = peers.stream().map(p -> p.yields().get(day.getKey()))
                    .filter(y -> y != null).mapToDouble(Double::doubleValue).sorted().toArray();
            if (others.length < config.minPeers()) {
                fewPeers = true;
                continue;
            }
            double median = median(others);
            if (median < config.darkDayYield()) {
                continue;
            }
            double fraction = median < config.dimDayYield() ? config.dimBelow() : config.below();
            boolean below = day.getValue() < fraction * median;
            if (below) {
                if (run == 0) {
                    runStart = day.getKey();
                }
                run++;
            } else {
                run = 0;
                runStart = null;
            }
            lastDay = day.getKey();
            lastYield = day.getValue();
            lastMedian = median;
            lastPeers = others.length;
            lastBelow = fraction;
        }
        if (lastDay == null) {
            return new NeighbourReport.Verdict(array.device(), array.sensor(), NeighbourReport.UNJUDGED, null, null,
                    null, null, null, 0, null, unjudged(judged, fewPeers));
        }
        String state = run >= config.days() ? NeighbourReport.BELOW : NeighbourReport.FINE;
        return new NeighbourReport.Verdict(array.device(), array.sensor(), state, lastDay.toString(),
                round(lastYield), round(lastMedian), lastPeers, lastBelow, run,
                runStart == null ? null : DailyYields.start(runStart, judged.zone()), null);
    }

    private String unjudged(ArrayDays judged, boolean fewPeers) {
        if (judged.yields().isEmpty()) {
            return "the hub has no whole day of its readings lately";
        }
        if (fewPeers) {
            return "fewer than " + config.minPeers() + " arrays of other sites"
                    + (judged.array().facing() == null ? "" : " facing " + judged.array().facing())
                    + " had a whole day of readings on the same days";
        }
        return "its neighbours' days were too dark to compare";
    }

    static double median(double[] sorted) {
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    /** Every array's verdict, by site. */
    Map<String, List<NeighbourReport.Verdict>> judgeAll(List<ArrayDays> region) {
        Map<String, List<NeighbourReport.Verdict>> bySite = new TreeMap<>();
        for (ArrayDays array : region) {
            bySite.computeIfAbsent(array.array().site(), s -> new ArrayList<>()).add(judge(array, region));
        }
        return bySite;
    }
}
