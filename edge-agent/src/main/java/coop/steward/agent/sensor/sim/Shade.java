package coop.steward.agent.sensor.sim;

/**
 * Something between the sun and the panels: from {@code sinceMs} on, between {@code fromHour} and {@code toHour} of
 * every day (UTC, which the simulation takes for solar time), the panels get only {@code light} of the sunlight. The
 * shadow moves in and out over {@link #EDGE_HOURS}, as a real one does. An irradiance sensor is mounted in the open
 * and is not shaded.
 */
public record Shade(long sinceMs, double fromHour, double toHour, double light) {
    /** A shadow's edge crosses a panel in about twenty minutes. */
    static final double EDGE_HOURS = 1 / 3.0;

    public Shade {
        if (!(fromHour >= 0 && toHour <= 24 && toHour - fromHour >= 2 * EDGE_HOURS)) {
            throw new IllegalArgumentException("a shade needs 0 <= fromHour < toHour <= 24, at least 40 minutes "
                    + "apart; was fromHour " + fromHour + ", toHour " + toHour);
        }
        if (!(light >= 0 && light < 1)) {
            throw new IllegalArgumentException("a shade's light must be from 0 to under 1, was " + light);
        }
    }

    /** Share of the sunlight that reaches the panels at {@code t}: 1 outside the shadow, {@code light} inside it. */
    double transmission(long t) {
        if (t < sinceMs) {
            return 1;
        }
        double hour = SimTime.hourOfDay(t);
        double depth = Math.min(Noise.clamp((hour - fromHour) / EDGE_HOURS, 0, 1),
                Noise.clamp((toHour - hour) / EDGE_HOURS, 0, 1));
        return 1 - (1 - light) * depth;
    }
}
