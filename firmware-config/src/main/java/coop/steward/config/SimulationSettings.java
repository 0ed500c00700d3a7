package coop.steward.config;

import java.time.Instant;

/**
 * The made-up world that {@code simulated} sensors measure.
 *
 * @param seed       makes a run repeatable
 * @param latitude   degrees, where the simulated sun stands
 * @param peakPowerW rated peak power of the simulated solar array
 * @param shade      something that shades the simulated panels for some hours of every day; null for nothing
 * @param leak       a leak on the simulated bed's supply line; null for none
 */
public record SimulationSettings(long seed, double latitude, double peakPowerW, Shade shade, Leak leak) {
    public static final double DEFAULT_LATITUDE = 45;
    public static final double DEFAULT_PEAK_POWER_W = 400;

    public SimulationSettings(long seed, double latitude, double peakPowerW) {
        this(seed, latitude, peakPowerW, null, null);
    }

    /**
     * From {@code since} on, between {@code fromHour} and {@code toHour} of every day (UTC, which the simulation takes
     * for solar time), the panels get only {@code light} (0 to under 1) of the sunlight.
     */
    public record Shade(Instant since, double fromHour, double toHour, double light) {
    }

    /** From {@code from} to {@code to}, {@code litresPerMinute} run through the water meter past the closed valve. */
    public record Leak(Instant from, Instant to, double litresPerMinute) {
    }

    /** Same site and device, same seed: a device's simulated history does not change between runs. */
    static long defaultSeed(String site, String device) {
        return (site + "/" + device).hashCode();
    }
}
