package coop.steward.agent.sensor.sim;

/**
 * A split fitting on a bed's supply line, between the water meter and the valve: from {@code fromMs} to {@code toMs}
 * about {@code litresPerMinute} run through the meter and onto the path, whatever the valve does. The bed gets none
 * of it. The flow wavers a little, as the mains pressure does.
 */
public record Leak(long fromMs, long toMs, double litresPerMinute) {
    private static final double WAVER = 0.04;
    private static final double WAVER_MINUTES = 7;

    public Leak {
        if (toMs <= fromMs) {
            throw new IllegalArgumentException("a leak must end after it starts; was from " + fromMs + " to " + toMs);
        }
        if (!(litresPerMinute > 0) || Double.isInfinite(litresPerMinute)) {
            throw new IllegalArgumentException("a leak's litresPerMinute must be a positive number, was "
                    + litresPerMinute);
        }
    }

    /** Flow through the meter at {@code t} in L/min; 0 outside the leak. */
    double flowLpm(long t) {
        if (t < fromMs || t >= toMs) {
            return 0;
        }
        return litresPerMinute * (1 + WAVER * Math.sin(angle(minutesIn(t))));
    }

    /** Litres lost from the start of the leak to {@code t}: the integral of {@link #flowLpm}. */
    double litresBefore(long t) {
        if (t <= fromMs) {
            return 0;
        }
        double minutes = minutesIn(Math.min(t, toMs));
        return litresPerMinute * (minutes + WAVER * WAVER_MINUTES / (2 * Math.PI) * (1 - Math.cos(angle(minutes))));
    }

    private double minutesIn(long t) {
        return (t - fromMs) / (double) SimTime.MINUTE_MS;
    }

    private static double angle(double minutes) {
        return 2 * Math.PI * minutes / WAVER_MINUTES;
    }
}
