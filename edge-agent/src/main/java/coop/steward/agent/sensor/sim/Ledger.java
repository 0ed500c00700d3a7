package coop.steward.agent.sensor.sim;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What depends on history: the battery's charge and the totals of the energy and water meters. Cycles are simulated
 * in segments from a fixed epoch onwards, so the meters add up every day since then and any instant gets the same
 * answer whatever was asked before. Before the epoch the meters count backwards, and each segment starts the battery
 * from a seeded charge (its charge may step there, every thirty days; live sites never look that far back).
 */
final class Ledger {
    private static final long EPOCH_CYCLE = LocalDate.of(2026, 1, 1).toEpochDay();
    /** Sensors of one site read the same minute; yesterday stays for the hour before the cycle ends. */
    private static final int RECENT_CYCLES = 3;

    private final World world;
    private final long socKey;
    private final Map<Long, Segment> segments = new HashMap<>();
    private final Map<Long, Cycle> recent = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Cycle> eldest) {
            return size() > RECENT_CYCLES;
        }
    };

    Ledger(long seed, World world) {
        this.world = world;
        this.socKey = Noise.key(seed, "ledger.soc");
    }

    synchronized Cycle cycle(long index) {
        Cycle cycle = recent.get(index);
        if (cycle == null) {
            cycle = Cycle.simulate(world, index, segment(segmentOf(index)).socBefore(position(index)));
            recent.put(index, cycle);
        }
        return cycle;
    }

    /** Energy of all cycles from the epoch to {@code index}; negative before the epoch. */
    synchronized double energyBeforeWh(long index) {
        long s = segmentOf(index);
        double offset = 0;
        for (long k = 0; k < s; k++) {
            offset += segment(k).energyBeforeWh(Segment.CYCLES);
        }
        for (long k = -1; k >= s; k--) {
            offset -= segment(k).energyBeforeWh(Segment.CYCLES);
        }
        return offset + segment(s).energyBeforeWh(position(index));
    }

    /** Waterings from the epoch to {@code index}; negative before the epoch. */
    synchronized long wateringsBefore(long index) {
        long s = segmentOf(index);
        long offset = 0;
        for (long k = 0; k < s; k++) {
            offset += segment(k).wateringsBefore(Segment.CYCLES);
        }
        for (long k = -1; k >= s; k--) {
            offset -= segment(k).wateringsBefore(Segment.CYCLES);
        }
        return offset + segment(s).wateringsBefore(position(index));
    }

    private Segment segment(long s) {
        Segment segment = segments.get(s);
        if (segment != null) {
            return segment;
        }
        if (s > 0 && !segments.containsKey(s - 1)) {
            // In order from the epoch, so that each segment finds the charge its predecessor ended with.
            for (long k = 0; k < s; k++) {
                segment(k);
            }
        }
        double soc = s > 0 ? segments.get(s - 1).socBefore(Segment.CYCLES) : 40 + 50 * Noise.unit(socKey, s);
        segment = Segment.simulate(world, EPOCH_CYCLE + s * Segment.CYCLES, soc);
        segments.put(s, segment);
        return segment;
    }

    private static long segmentOf(long index) {
        return Math.floorDiv(index - EPOCH_CYCLE, Segment.CYCLES);
    }

    private static int position(long index) {
        return Math.floorMod(index - EPOCH_CYCLE, Segment.CYCLES);
    }
}
