package coop.steward.agent.actuator;

import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Time as the valves see it: a clock that never jumps (a wall clock set back by NTP must not keep a valve open
 * longer, nor give it back open time it used), and timers on it. The agent's runs on the actuators' own thread;
 * tests turn theirs by hand, so a day of openings takes no time.
 */
interface ActuatorClock {
    long nanos();

    /** Runs {@code task} {@code delayNanos} from now, unless the returned future is cancelled first. */
    Future<?> schedule(Runnable task, long delayNanos);

    /** {@link System#nanoTime()}, the clock {@code thread}'s timers run on. */
    static ActuatorClock on(ScheduledExecutorService thread) {
        return new ActuatorClock() {
            @Override
            public long nanos() {
                return System.nanoTime();
            }

            @Override
            public Future<?> schedule(Runnable task, long delayNanos) {
                return thread.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
            }
        };
    }
}
