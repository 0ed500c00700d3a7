package coop.steward.agent.sensor.sim;

/** A 12 V battery charged by the array and drained by the monitoring node and a small constant load. */
final class Battery {
    static final double MIN_SOC = 5;
    static final double MAX_SOC = 100;
    private static final double CHARGE_EFFICIENCY = 0.92;
    private static final double EMPTY_V = 12.0;
    private static final double FULL_V = 13.4;
    /** How far charging lifts, and a load pulls down, the terminal voltage at a current of C/10. */
    private static final double POLARISATION_V = 0.35;

    private final double capacityWh;
    private final double loadW;

    Battery(long seed, double peakPowerW) {
        // Sized so that a night drains a tenth or two and a dull winter week can run the battery down.
        this.capacityWh = 1.5 * peakPowerW;
        this.loadW = peakPowerW * (0.015 + Noise.centred(Noise.key(seed, "battery.load"), 0.004));
    }

    /** Charge after a minute at that solar power; the controller stops charging at full, the load cut-off at empty. */
    double afterMinute(double socPercent, double solarW) {
        double wattHours = netW(solarW) / 60;
        return Noise.clamp(socPercent + 100 * wattHours / capacityWh, MIN_SOC, MAX_SOC);
    }

    double voltage(double socPercent, double solarW) {
        double rest = EMPTY_V + (FULL_V - EMPTY_V) * socPercent / 100;
        double tenthC = capacityWh / 10;
        return rest + POLARISATION_V * Noise.clamp(netW(solarW) / tenthC, -0.5, 1);
    }

    private double netW(double solarW) {
        return solarW * CHARGE_EFFICIENCY - loadW;
    }
}
