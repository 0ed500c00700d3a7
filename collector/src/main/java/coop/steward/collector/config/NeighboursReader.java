package coop.steward.collector.config;

import coop.steward.config.Problems;
import java.time.Duration;

/** Reads the {@code neighbours:} section: how a hub compares the sites' arrays. */
final class NeighboursReader {
    private NeighboursReader() {
    }

    /** The comparison, {@link Neighbours#DEFAULT} when the section is absent, or null when something was reported. */
    static Neighbours read(Keys top, Problems problems) {
        if (!top.has("neighbours")) {
            return Neighbours.DEFAULT;
        }
        int mark = problems.count();
        Keys section = top.block("neighbours");
        if (section == null) {
            return null;
        }
        section.allowOnly("days", "below", "dimBelow", "dimDayYield", "darkDayYield", "minPeers", "severity",
                "checkEvery");
        Neighbours d = Neighbours.DEFAULT;
        Integer days = section.whole("days", 1, 60, d.days());
        Double below = section.number("below", 0.05, 1, d.below());
        Double dimBelow = section.number("dimBelow", 0.05, 1, d.dimBelow());
        Double dimDay = section.number("dimDayYield", 0, 24, d.dimDayYield());
        Double darkDay = section.number("darkDayYield", 0, 24, d.darkDayYield());
        Integer minPeers = section.whole("minPeers", 1, 1000, d.minPeers());
        Severity severity = section.severity("severity", d.severity());
        Duration every = section.duration("checkEvery", Duration.ofDays(1), d.checkEvery());
        if (every != null && every.isZero()) {
            section.error("checkEvery", "the hub must judge now and then; give a duration of 1s or more, e.g. 1h");
        }
        if (dimBelow != null && below != null && dimBelow > below) {
            section.error("dimBelow", "dimBelow (" + Keys.format(dimBelow) + ") is above below ("
                    + Keys.format(below) + "): dim days are given more room, not less; make it " + Keys.format(below)
                    + " or lower");
        }
        if (!problems.noneSince(mark) || days == null || below == null || dimBelow == null || dimDay == null
                || darkDay == null || minPeers == null || severity == null || every == null) {
            return null;
        }
        return new Neighbours(days, below, dimBelow, dimDay, darkDay, minPeers, severity, every);
    }
}
