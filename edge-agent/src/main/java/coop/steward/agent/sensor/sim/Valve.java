package coop.steward.agent.sensor.sim;

/** The bed's irrigation valve and the flow through its meter during one ten-minute watering. */
final class Valve {
    static final int OPEN_MINUTES = 10;
    private static final double RIPPLE_LPM = 0.35;
    /** Whole ripple periods per watering, so every watering delivers exactly the same volume. */
    private static final int RIPPLES = 5;

    private final double meanLpm;
    private final double ripplePhase;

    Valve(long seed) {
        // A multiple of 2^-20 L/min, so whole waterings add up on the meter without rounding.
        this.meanLpm = Math.rint((7 + Noise.centred(Noise.key(seed, "valve.flow"), 0.4)) * 0x1.0p20) * 0x1.0p-20;
        this.ripplePhase = 2 * Math.PI * Noise.unit(Noise.key(seed, "valve.ripple"), 0);
    }

    /** Flow in L/min {@code minutesOpen} into a watering; 0 outside it. */
    double flowLpm(double minutesOpen) {
        if (minutesOpen < 0 || minutesOpen >= OPEN_MINUTES) {
            return 0;
        }
        return meanLpm + RIPPLE_LPM * Math.sin(angle(minutesOpen));
    }

    /** Litres through the meter after {@code minutesOpen} of a watering: the integral of {@link #flowLpm}. */
    double litres(double minutesOpen) {
        double minutes = Noise.clamp(minutesOpen, 0, OPEN_MINUTES);
        double radiansPerMinute = 2 * Math.PI * RIPPLES / OPEN_MINUTES;
        return meanLpm * minutes + RIPPLE_LPM / radiansPerMinute * (Math.cos(ripplePhase) - Math.cos(angle(minutes)));
    }

    double litresPerWatering() {
        return meanLpm * OPEN_MINUTES;
    }

    private double angle(double minutesOpen) {
        return 2 * Math.PI * RIPPLES * minutesOpen / OPEN_MINUTES + ripplePhase;
    }
}
