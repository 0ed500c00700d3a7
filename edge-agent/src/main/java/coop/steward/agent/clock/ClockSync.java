package coop.steward.agent.clock;

/**
 * Whether the kernel's clock has been set from a time source since boot. A Raspberry Pi has no real-time clock:
 * after a power cut it starts from the last time saved on its card (fake-hwclock) or from 1970, and keeps that
 * wrong time until NTP reaches a server.
 */
public interface ClockSync {
    boolean isSynchronised();

    /** The kernel's own answer, as far as this machine lets a Java process see it; see {@link KernelClockSync}. */
    static ClockSync system() {
        return KernelClockSync.detect();
    }

    /** For machines and tests whose clock is known to be right. */
    static ClockSync always() {
        return () -> true;
    }
}
