package coop.steward.testsupport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A UTC clock a test moves by hand: either standing still until moved ({@link #stoppedAt}), or running at the real
 * pace from a chosen start ({@link #runningFrom}), for code that also waits in real time.
 */
public final class MovableClock extends Clock {
    private final boolean running;
    private final long startNanos = System.nanoTime();
    /** The time at {@link #startNanos}, plus every move since. */
    private volatile long startMillis;

    private MovableClock(long startMillis, boolean running) {
        this.startMillis = startMillis;
        this.running = running;
    }

    /** A clock that shows {@code millis} until moved. */
    public static MovableClock stoppedAt(long millis) {
        return new MovableClock(millis, false);
    }

    /** A clock that shows {@code millis} now and runs on at the real pace. */
    public static MovableClock runningFrom(long millis) {
        return new MovableClock(millis, true);
    }

    /** Moves the clock by {@code by}, forward or back, at once. */
    public synchronized void advance(Duration by) {
        startMillis += by.toMillis();
    }

    /** Moves the clock to show {@code millis} now. */
    public synchronized void set(long millis) {
        startMillis += millis - millis();
    }

    @Override
    public long millis() {
        return running ? startMillis + (System.nanoTime() - startNanos) / 1_000_000 : startMillis;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("UTC only");
    }
}
