package coop.steward.agent.sensor.sim;

/**
 * The soil water of one bed, in volume percent. Water drains past the roots above field capacity, so ten minutes of
 * drip always leave the root zone at field capacity: after each watering the bed forgets its past, which is what lets
 * the simulation compute any day on its own.
 */
final class Bed {
    /** The controller waters when the bed falls below this. */
    static final double REFILL_POINT = 22;
    /** Ten minutes of drip can lift the bed by up to 16 points, more than any bed above the refill point needs. */
    private static final double WETTING_PER_MINUTE = 1.6;
    private static final double NIGHT_LOSS_PER_HOUR = 0.04;
    /** Loss per hour in full sun (1000 W/m2) at 20 C, from a bed at field capacity. */
    private static final double SUN_LOSS_PER_HOUR = 1.4;

    private final double fieldCapacity;

    Bed(long seed) {
        this.fieldCapacity = 34 + Noise.centred(Noise.key(seed, "bed.capacity"), 1);
    }

    double fieldCapacity() {
        return fieldCapacity;
    }

    double afterWateringMinute(double moisture) {
        return Math.min(fieldCapacity, moisture + WETTING_PER_MINUTE);
    }

    /** Evapotranspiration follows the sun and the heat, and slows as the soil dries and holds on to its water. */
    double afterDryingMinute(double moisture, double irradiance, double airC) {
        double heat = Math.max(0.3, 1 + 0.04 * (airC - 20));
        double perHour = NIGHT_LOSS_PER_HOUR + SUN_LOSS_PER_HOUR * irradiance / 1000 * heat;
        return moisture - perHour / 60 * moisture / fieldCapacity;
    }
}
