package coop.steward.agent.sensor.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * One day of a site in one-minute steps, from the end of a morning watering (06:10 UTC, the bed at field capacity)
 * to the end of the next one. Starting where the bed has forgotten its past makes each cycle's water independent of
 * the days before; only the battery's charge is carried in. Values between the minutes are interpolated.
 */
final class Cycle {
    static final int MINUTES = 1440;
    private static final long START_MS = 6 * SimTime.HOUR_MS + 10 * SimTime.MINUTE_MS;
    /** The scheduled watering opens at 06:00, ten minutes before the cycle ends. */
    private static final int SCHEDULED = MINUTES - Valve.OPEN_MINUTES;
    /** No refill in the two hours before the scheduled watering: that one is coming anyway. */
    private static final int LAST_REFILL = SCHEDULED - 120;
    /**
     * Multiples of 2^-20 Wh add up without rounding, so the meter reads the same at the end of one day and at the start
     * of the next.
     */
    private static final double ENERGY_QUANTUM = 0x1.0p-20;

    private final long startMs;
    private final double[] moisture = new double[MINUTES + 1];
    private final double[] energyWh = new double[MINUTES + 1];
    private final double[] soc = new double[MINUTES + 1];
    private final List<Integer> waterings = new ArrayList<>();

    private Cycle(long startMs) {
        this.startMs = startMs;
    }

    static long indexAt(long t) {
        return Math.floorDiv(t - START_MS, SimTime.DAY_MS);
    }

    static Cycle simulate(World world, long index, double socPercent) {
        Cycle cycle = new Cycle(index * SimTime.DAY_MS + START_MS);
        double[] irradiance = new double[MINUTES + 1];
        double[] airC = new double[MINUTES + 1];
        double[] powerW = new double[MINUTES + 1];
        for (int i = 0; i <= MINUTES; i++) {
            long t = cycle.startMs + i * SimTime.MINUTE_MS;
            irradiance[i] = world.irradiance(t);
            airC[i] = world.weather().airTemperature(t);
            double onPanels = world.panelIrradiance(irradiance[i], t);
            powerW[i] = onPanels == 0 ? 0 : world.array().power(onPanels, airC[i]);
        }
        cycle.moisture[0] = world.bed().fieldCapacity();
        cycle.soc[0] = socPercent;
        double rawEnergyWh = 0;
        int openUntil = 0;
        for (int i = 0; i < MINUTES; i++) {
            if (i == SCHEDULED || (i >= openUntil && i <= LAST_REFILL && cycle.moisture[i] < Bed.REFILL_POINT)) {
                cycle.waterings.add(i);
                openUntil = i + Valve.OPEN_MINUTES;
            }
            cycle.moisture[i + 1] = i < openUntil
                    ? world.bed().afterWateringMinute(cycle.moisture[i])
                    : world.bed().afterDryingMinute(cycle.moisture[i], irradiance[i], airC[i]);
            rawEnergyWh += (powerW[i] + powerW[i + 1]) / 2 / 60;
            cycle.energyWh[i + 1] = Math.floor(rawEnergyWh / ENERGY_QUANTUM) * ENERGY_QUANTUM;
            cycle.soc[i + 1] = world.battery().afterMinute(cycle.soc[i], powerW[i]);
        }
        return cycle;
    }

    double moisture(long t) {
        return interpolate(moisture, t);
    }

    double energyWh(long t) {
        return interpolate(energyWh, t);
    }

    double soc(long t) {
        return interpolate(soc, t);
    }

    double energyWh() {
        return energyWh[MINUTES];
    }

    double socAtEnd() {
        return soc[MINUTES];
    }

    int waterings() {
        return waterings.size();
    }

    /** Waterings of this cycle that had finished by {@code t}. */
    int wateringsDone(long t) {
        double minute = minute(t);
        return (int) waterings.stream().filter(start -> minute >= start + Valve.OPEN_MINUTES).count();
    }

    /** Minutes since the valve opened, or -1 while it is closed. */
    double minutesOpen(long t) {
        double minute = minute(t);
        for (int start : waterings) {
            if (minute >= start && minute < start + Valve.OPEN_MINUTES) {
                return minute - start;
            }
        }
        return -1;
    }

    private double minute(long t) {
        return (t - startMs) / (double) SimTime.MINUTE_MS;
    }

    private double interpolate(double[] values, long t) {
        double minute = minute(t);
        int i = Math.min((int) minute, MINUTES - 1);
        return values[i] + (values[i + 1] - values[i]) * (minute - i);
    }
}
