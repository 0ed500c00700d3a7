package coop.steward.agent.actuator;

import java.time.Duration;
import java.util.PriorityQueue;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

/** An {@link ActuatorClock} that moves only when a test turns it, running the timers that fall due on the way. */
final class HandTurnedClock implements ActuatorClock {
    private record Timer(long due, long order, FutureTask<?> task) {
    }

    /** Not zero, so that a time mistaken for a duration shows. */
    private long now = Duration.ofDays(1000).toNanos();
    private long scheduled;
    private final PriorityQueue<Timer> timers = new PriorityQueue<>((a, b) -> a.due() != b.due()
            ? Long.compare(a.due(), b.due()) : Long.compare(a.order(), b.order()));

    @Override
    public synchronized long nanos() {
        return now;
    }

    @Override
    public synchronized Future<?> schedule(Runnable task, long delayNanos) {
        FutureTask<?> future = new FutureTask<>(task, null);
        timers.add(new Timer(now + delayNanos, scheduled++, future));
        return future;
    }

    /** Moves the clock on by {@code duration}, running each timer at its time, outside the clock's lock. */
    void advance(Duration duration) {
        long until;
        synchronized (this) {
            until = now + duration.toNanos();
        }
        while (true) {
            Timer next;
            synchronized (this) {
                next = timers.peek();
                if (next == null || next.due() > until) {
                    now = until;
                    return;
                }
                timers.poll();
                now = Math.max(now, next.due());
            }
            next.task().run(); // does nothing when it was cancelled
        }
    }
}
