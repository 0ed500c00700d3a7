package coop.steward.protocol;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The retained payload of {@code steward/v1/{site}/neighbours}: what a hub concluded of each of a site's solar
 * arrays against its neighbours' arrays, day by day. The site raises an alert for an array that is {@link #BELOW}
 * and resolves it once it is not.
 *
 * @param t        when the hub judged, epoch milliseconds
 * @param rule     the id the site's alert takes
 * @param severity the alert's severity: {@code info}, {@code warning} or {@code critical}
 * @param days     how many judged days in a row below its neighbours make an array {@link #BELOW}
 * @param arrays   every array of the site that the hub knows of
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record NeighbourReport(int v, long t, String rule, String severity, int days, List<Verdict> arrays) {
    public static final String BELOW = "below";
    public static final String FINE = "fine";
    public static final String UNJUDGED = "unjudged";

    /**
     * One array (a device's {@code solar_power} sensor, or every one of the device's when {@code sensor} is null).
     *
     * @param state     {@link #BELOW}, {@link #FINE}, or {@link #UNJUDGED} when no recent day could be compared
     * @param day       the latest day judged, in the site's zone (ISO date), or null when none was
     * @param yield     the array's specific yield that day, kWh per kWp
     * @param median    the median specific yield of its peers that day, kWh per kWp
     * @param peers     how many arrays of other sites that median is of
     * @param below     the fraction of the median under which that day counted as below
     * @param daysBelow judged days below in a row, up to and including {@code day}
     * @param since     the start (epoch milliseconds) of the first of those days, or null when none is below
     * @param why       a sentence for people on why it was not judged ({@link #UNJUDGED} only)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Verdict(String device, String sensor, String state, String day, Double yield, Double median,
                          Integer peers, Double below, int daysBelow, Long since, String why) {
    }

    public NeighbourReport {
        arrays = arrays == null ? List.of() : List.copyOf(arrays);
    }
}
