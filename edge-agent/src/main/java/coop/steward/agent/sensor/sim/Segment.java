package coop.steward.agent.sensor.sim;

/** A run of cycles simulated one after another: the battery's charge is carried from each to the next. */
final class Segment {
    static final int CYCLES = 30;

    private final double[] energyBeforeWh = new double[CYCLES + 1];
    private final long[] wateringsBefore = new long[CYCLES + 1];
    private final double[] socBefore = new double[CYCLES + 1];

    private Segment() {
    }

    static Segment simulate(World world, long firstCycle, double socPercent) {
        Segment segment = new Segment();
        segment.socBefore[0] = socPercent;
        for (int k = 0; k < CYCLES; k++) {
            Cycle cycle = Cycle.simulate(world, firstCycle + k, segment.socBefore[k]);
            segment.energyBeforeWh[k + 1] = segment.energyBeforeWh[k] + cycle.energyWh();
            segment.wateringsBefore[k + 1] = segment.wateringsBefore[k] + cycle.waterings();
            segment.socBefore[k + 1] = cycle.socAtEnd();
        }
        return segment;
    }

    /** Energy of the segment's cycles before cycle {@code k} of it; {@code k == CYCLES} gives the whole segment. */
    double energyBeforeWh(int k) {
        return energyBeforeWh[k];
    }

    long wateringsBefore(int k) {
        return wateringsBefore[k];
    }

    double socBefore(int k) {
        return socBefore[k];
    }
}
