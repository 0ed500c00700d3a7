package coop.steward.agent.clock;

import java.time.Clock;

/**
 * The agent's view of time: the wall clock that stamps readings, a monotonic clock kept beside each reading, and
 * whether the wall clock can be trusted yet. Once the clock has been found set it stays trusted for the rest of
 * the run: the kernel's flag may drop again after a long time without NTP, but the clock it guards stays close.
 */
public final class Timekeeping {
    private final Clock wall;
    private final MonotonicClock monotonic;
    private final ClockSync sync;
    private volatile boolean synchronised;

    public Timekeeping(Clock wall, MonotonicClock monotonic, ClockSync sync) {
        this.wall = wall;
        this.monotonic = monotonic;
        this.sync = sync;
    }

    /** The machine's own clocks, with {@code wall} for the readings' time. */
    public static Timekeeping system(Clock wall) {
        return new Timekeeping(wall, MonotonicClock.system(), ClockSync.system());
    }

    /** The clock that stamps readings. */
    public Clock wall() {
        return wall;
    }

    public long wallMillis() {
        return wall.millis();
    }

    public long monotonicNanos() {
        return monotonic.nanos();
    }

    public String bootId() {
        return monotonic.bootId();
    }

    /** As last checked; false until the first {@link #checkJustSynchronised()}. */
    public boolean isSynchronised() {
        return synchronised;
    }

    /** Asks the kernel while the clock is not yet trusted; true exactly once, when it is found set. */
    public boolean checkJustSynchronised() {
        if (synchronised || !sync.isSynchronised()) {
            return false;
        }
        synchronised = true;
        return true;
    }
}
