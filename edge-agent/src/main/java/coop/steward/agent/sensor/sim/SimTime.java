package coop.steward.agent.sensor.sim;

/** Epoch-millisecond arithmetic of the simulation; UTC stands in for local solar time. */
final class SimTime {
    static final long MINUTE_MS = 60_000L;
    static final long HOUR_MS = 60 * MINUTE_MS;
    static final long DAY_MS = 24 * HOUR_MS;

    private SimTime() {
    }

    /** Days since 1970-01-01 as a real number, so slow cycles (seasons, weather) turn smoothly. */
    static double days(long t) {
        return t / (double) DAY_MS;
    }

    static double hours(long t) {
        return t / (double) HOUR_MS;
    }

    static double minutes(long t) {
        return t / (double) MINUTE_MS;
    }

    /** Hour of the UTC day in [0, 24). */
    static double hourOfDay(long t) {
        return Math.floorMod(t, DAY_MS) / (double) HOUR_MS;
    }
}
