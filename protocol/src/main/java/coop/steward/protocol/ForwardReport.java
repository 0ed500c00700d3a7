package coop.steward.protocol;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * The retained payload of {@code steward/v1/{site}/forward}: what a site collector tells its hub about its link,
 * every few seconds while connected. The hub shows it; nothing is stored or acknowledged because of it.
 *
 * @param t          when the site sent it, epoch milliseconds
 * @param share      what the site shares unless a device is named in {@code devices}: {@code everything},
 *                   {@code status} or {@code nothing}
 * @param devices    devices shared otherwise than {@code share}, by device id (or {@code device} for every site)
 * @param backlog    readings committed at the site and not yet confirmed by the hub
 * @param messages   the messages those readings wait in
 * @param oldest     when the site received the oldest of them (epoch milliseconds), or null when none waits
 * @param catchUp    the most readings a second the site sends while catching up
 * @param openAlerts alerts open at the site on devices it shares at least the status of
 * @param zone       the site's time zone (IANA), whose days and months its totals and reports follow
 * @param arrays     the site's solar arrays on devices whose data it shares, with their rated peak power
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ForwardReport(int v, long t, String share, Map<String, String> devices, long backlog, long messages,
                            Long oldest, int catchUp, Integer openAlerts, String zone, List<Array> arrays) {
    /**
     * A solar array: a device's {@code solar_power} sensor (every one of the device's when null), and which way it
     * faces when the site said ({@code south}, {@code east-west}, {@code flat}...).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Array(String device, String sensor, double peakPowerW, String facing) {
        public Array(String device, String sensor, double peakPowerW) {
            this(device, sensor, peakPowerW, null);
        }
    }

    public ForwardReport {
        devices = devices == null ? Map.of() : Map.copyOf(devices);
        arrays = arrays == null ? List.of() : List.copyOf(arrays);
    }

    public ForwardReport(int v, long t, String share, Map<String, String> devices, long backlog, long messages,
                         Long oldest, int catchUp, Integer openAlerts) {
        this(v, t, share, devices, backlog, messages, oldest, catchUp, openAlerts, null, List.of());
    }
}
