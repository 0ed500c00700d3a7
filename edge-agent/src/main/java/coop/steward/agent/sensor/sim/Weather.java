package coop.steward.agent.sensor.sim;

/** Air temperature, humidity and the temperature of the soil under the mulch, all closed-form in time. */
final class Weather {
    private static final double TROPICAL_YEAR_DAYS = 365.2422;
    /** The coldest days come about three weeks after the winter solstice, 1970-01-01 plus ten days. */
    private static final double COLDEST_DAY = 31;
    private static final double WARMEST_HOUR = 15;
    /** Ten centimetres of soil: a third of the daily swing of the air, three hours late. */
    private static final double SOIL_DAMPING = 0.35;
    private static final long SOIL_LAG_MS = 3 * SimTime.HOUR_MS;

    private final Sun sun;
    private final Clouds clouds;
    private final long anomalyKey;
    private final long drynessKey;
    private final double annualMean;
    private final double seasonalSwing;

    Weather(long seed, double latitudeDeg, Sun sun, Clouds clouds) {
        this.sun = sun;
        this.clouds = clouds;
        this.anomalyKey = Noise.key(seed, "weather.anomaly");
        this.drynessKey = Noise.key(seed, "weather.dryness");
        double latitude = Math.abs(latitudeDeg);
        this.annualMean = 27 - 0.35 * latitude;
        // Half the difference between the warmest and coldest month; the sign flips the seasons south of the equator.
        this.seasonalSwing = 0.22 * latitude * Math.signum(latitudeDeg);
    }

    double airTemperature(long t) {
        return dailyMean(t) + dailySwing(t) * diurnal(t);
    }

    double soilTemperature(long t) {
        long lagged = t - SOIL_LAG_MS;
        double season = annualMean + seasonalSwing * season(t - 10 * SimTime.DAY_MS);
        return season + 0.6 * anomaly(t - SimTime.DAY_MS) + SOIL_DAMPING * dailySwing(lagged) * diurnal(lagged);
    }

    /** Relative humidity from a dew point that stays near the day's mean while the air warms and cools around it. */
    double humidity(long t) {
        double spread = 1.5 + dailySwing(t) * (0.7 + 0.6 * Noise.smooth(drynessKey, SimTime.days(t) / 2));
        double dewPoint = dailyMean(t) - spread;
        return Math.min(100, 100 * saturation(dewPoint) / saturation(airTemperature(t)));
    }

    private double dailyMean(long t) {
        return annualMean + seasonalSwing * season(t) + anomaly(t);
    }

    /** From -1 in midwinter to 1 in midsummer (northern hemisphere). */
    private static double season(long t) {
        return -Math.cos(2 * Math.PI * (SimTime.days(t) - COLDEST_DAY) / TROPICAL_YEAR_DAYS);
    }

    /** Warm and cold spells of a few days, up to 4 C either way. */
    private double anomaly(long t) {
        return 8 * (Noise.smooth(anomalyKey, SimTime.days(t) / 2) - 0.5);
    }

    /** Clear skies heat the day and chill the night; cloud keeps both mild. */
    private double dailySwing(long t) {
        return 2 + 5 * (1 - clouds.cover(t));
    }

    /** -1 at sunrise, 1 at mid-afternoon; a half cosine up and a longer half cosine down through the night. */
    private double diurnal(long t) {
        double hour = SimTime.hourOfDay(t);
        double coldest = Noise.clamp(sun.sunriseHour(t), 4, 8);
        if (hour >= coldest && hour < WARMEST_HOUR) {
            return -Math.cos(Math.PI * (hour - coldest) / (WARMEST_HOUR - coldest));
        }
        double sinceWarmest = (hour < coldest ? hour + 24 : hour) - WARMEST_HOUR;
        return Math.cos(Math.PI * sinceWarmest / (24 - WARMEST_HOUR + coldest));
    }

    /** Saturation vapour pressure (Magnus formula); only ratios are used, so the unit does not matter. */
    private static double saturation(double celsius) {
        return Math.exp(17.62 * celsius / (243.12 + celsius));
    }
}
