package coop.steward.collector.config;

import java.time.Duration;

/**
 * How a hub compares each site's solar arrays with its neighbours' (the {@code neighbours:} section, read only
 * where the collector serves as a hub). A day's specific yield (kWh per kWp) of an array counts as below its
 * neighbours when it is under {@code below} times the median of at least {@code minPeers} arrays of other sites
 * that day, or under {@code dimBelow} times it on a dim day, when that median is under {@code dimDayYield}: winter
 * and overcast days spread arrays further apart, so they are given more room. Days whose median is under
 * {@code darkDayYield} are not judged at all. {@code days} judged days below in a row raise the alert, at
 * {@code severity}, at the array's own site. The hub judges again every {@code checkEvery}.
 */
public record Neighbours(int days, double below, double dimBelow, double dimDayYield, double darkDayYield,
                         int minPeers, Severity severity, Duration checkEvery) {
    /** The id of the alert a site raises for an array below its neighbours. */
    public static final String RULE = "below-neighbours";
    public static final Neighbours DEFAULT = new Neighbours(3, 0.75, 0.6, 2.0, 0.3, 3, Severity.WARNING,
            Duration.ofHours(1));
}
