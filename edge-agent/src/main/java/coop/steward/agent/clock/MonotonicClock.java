package coop.steward.agent.clock;

/**
 * A clock that never jumps: nanoseconds counted from an unspecified start within one boot, with the id of that
 * boot. Two values with the same boot id can be subtracted, even when they come from different processes.
 */
public interface MonotonicClock {
    String bootId();

    long nanos();

    /**
     * Linux's {@code CLOCK_MONOTONIC}, which is what {@link System#nanoTime()} reads on HotSpot for Linux, and the
     * boot id from {@code /proc/sys/kernel/random/boot_id}. Elsewhere the id is made up per process, so readings
     * of an earlier process cannot be corrected there.
     */
    static MonotonicClock system() {
        return SystemMonotonicClock.INSTANCE;
    }
}
