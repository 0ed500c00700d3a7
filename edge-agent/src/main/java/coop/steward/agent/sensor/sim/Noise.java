package coop.steward.agent.sensor.sim;

/**
 * Seeded, stateless randomness: every value is a hash of (key, position), so the simulation needs no generator
 * state and any instant can be computed on its own.
 */
final class Noise {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private Noise() {
    }

    /** A stream of its own for each named quantity, so adding one quantity does not reshuffle the others. */
    static long key(long seed, String name) {
        return mix(seed * GOLDEN + name.hashCode());
    }

    /** Uniform in [0, 1) for lattice point {@code i}. */
    static double unit(long key, long i) {
        return (mix(key + i * GOLDEN) >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [-halfWidth, halfWidth): a fixed offset such as a sensor's calibration error. */
    static double centred(long key, double halfWidth) {
        return (2 * unit(key, 0) - 1) * halfWidth;
    }

    /** Value noise in [0, 1): lattice values one unit of {@code x} apart, eased so there are no kinks. */
    static double smooth(long key, double x) {
        double floor = Math.floor(x);
        long i = (long) floor;
        double f = x - floor;
        double eased = f * f * f * (f * (6 * f - 15) + 10);
        double a = unit(key, i);
        return a + (unit(key, i + 1) - a) * eased;
    }

    static double clamp(double value, double min, double max) {
        return Math.max(min, Math.min(max, value));
    }

    /** SplitMix64's finaliser: consecutive inputs give unrelated outputs. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
