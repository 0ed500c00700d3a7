package coop.steward.config;

/**
 * The made-up world that {@code simulated} sensors measure.
 *
 * @param seed       makes a run repeatable
 * @param latitude   degrees, where the simulated sun stands
 * @param peakPowerW rated peak power of the simulated solar array
 */
public record SimulationSettings(long seed, double latitude, double peakPowerW) {
    public static final double DEFAULT_LATITUDE = 45;
    public static final double DEFAULT_PEAK_POWER_W = 400;

    /** Same site and device, same seed: a device's simulated history does not change between runs. */
    static long defaultSeed(String site, String device) {
        return (site + "/" + device).hashCode();
    }
}
