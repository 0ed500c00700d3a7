package coop.steward.agent.sensor.sim;

/**
 * Seeded passing clouds. A slow "weather" value decides how cloudy each stretch of days is; faster noise on the scale
 * of minutes decides when a cloud is in front of the sun, so a half-cloudy afternoon flickers between sun and shade.
 */
final class Clouds {
    /** Weather systems come and go over a day or two. */
    private static final double WEATHER_HOURS = 30;
    /** Cumulus drift past in a quarter of an hour; smaller puffs in a few minutes. */
    private static final double CLOUD_MINUTES = 14;
    private static final double PUFF_MINUTES = 4;

    private final long weatherKey;
    private final long cloudKey;
    private final long puffKey;

    Clouds(long seed) {
        this.weatherKey = Noise.key(seed, "clouds.weather");
        this.cloudKey = Noise.key(seed, "clouds.cloud");
        this.puffKey = Noise.key(seed, "clouds.puff");
    }

    /** Cloud cover of the current weather, 0 (clear) to 1 (overcast); about a quarter of the time it is clear. */
    double cover(long t) {
        double weather = Noise.smooth(weatherKey, SimTime.hours(t) / WEATHER_HOURS);
        return Noise.clamp((weather - 0.3) / 0.55, 0, 1);
    }

    /** Share of clear-sky light that reaches the ground, in (0, 1]. */
    double transmission(long t) {
        double cover = cover(t);
        double minutes = SimTime.minutes(t);
        double gap = 0.65 * Noise.smooth(cloudKey, minutes / CLOUD_MINUTES)
                + 0.35 * Noise.smooth(puffKey, minutes / PUFF_MINUTES);
        double shade = smoothstep((cover - gap) / 0.12 + 0.5);
        // Even the gaps are hazy under heavy cover.
        return (1 - 0.75 * shade) * (1 - 0.35 * cover * cover);
    }

    private static double smoothstep(double x) {
        double f = Noise.clamp(x, 0, 1);
        return f * f * (3 - 2 * f);
    }
}
