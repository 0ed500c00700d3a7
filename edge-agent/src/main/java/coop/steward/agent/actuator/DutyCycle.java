package coop.steward.agent.actuator;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * A valve's duty cycle, which no command can get round: after each opening the valve rests {@code minClosed}, and
 * its open time in any 24 hours stays within {@code maxOpenPerDay}. Without it, {@code maxOpenSeconds} bounds one
 * opening only, and an {@code open} sent again after each close keeps a valve open for ever.
 *
 * <p>The day is a rolling 24 hours on the monotonic clock, not the calendar day: a budget that renewed at midnight
 * would allow twice the open time across it, and a wall clock moved by NTP or a wrong time zone would move it.
 * An opening counts in full until 24 hours after it ended. The count lives in memory: a restart of the agent
 * (which closes every valve) starts it afresh.
 */
final class DutyCycle {
    static final Duration DAY = Duration.ofDays(1);
    /** Openings kept apart; beyond, the two oldest are counted as one that ended with the later (never less). */
    static final int MAX_OPENINGS = 256;

    private record Opening(long endedAt, long openNanos) {
    }

    private final String valve;
    private final Duration minClosed;
    private final Duration maxOpenPerDay;
    private final ArrayDeque<Opening> openings = new ArrayDeque<>();
    private Long closedAt;

    DutyCycle(String valve, Duration minClosed, Duration maxOpenPerDay) {
        this.valve = valve;
        this.minClosed = minClosed;
        this.maxOpenPerDay = maxOpenPerDay;
    }

    /** An open command the duty cycle does not allow now; the message says why, and when it would be. */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message);
        }
    }

    /**
     * Throws {@link Refused} unless the valve may be open for {@code more} nanoseconds from {@code now}.
     *
     * @param openedAt when the valve opened, or null when it is closed
     */
    void check(long now, long more, Long openedAt) {
        if (openedAt == null && closedAt != null && now - closedAt < minClosed.toNanos()) {
            throw new Refused(valve + " rests " + seconds(minClosed.toNanos()) + " s after each opening "
                    + "(minClosedSeconds); it closed " + seconds(now - closedAt) + " s ago: open it again in "
                    + secondsUp(minClosed.toNanos() - (now - closedAt)) + " s");
        }
        long used = usedAt(now) + (openedAt == null ? 0 : now - openedAt);
        long budget = maxOpenPerDay.toNanos();
        if (used + more > budget) {
            String when = used < budget ? "ask for at most " + seconds(budget - used) + " s"
                    : "the oldest opening counted leaves the count in " + secondsUp(openings.isEmpty() ? 0
                            : openings.peekFirst().endedAt() + DAY.toNanos() - now) + " s";
            throw new Refused(valve + " was open " + seconds(used) + " s in the last 24 hours, and may be open "
                    + seconds(budget) + " s in any 24 hours (maxOpenSecondsPerDay): " + when);
        }
    }

    /** The valve, open since {@code openedAt}, closed at {@code now}. */
    void closed(long openedAt, long now) {
        closedAt = now;
        openings.addLast(new Opening(now, now - openedAt));
        if (openings.size() > MAX_OPENINGS) {
            Opening oldest = openings.removeFirst();
            Opening next = openings.removeFirst();
            openings.addFirst(new Opening(next.endedAt(), oldest.openNanos() + next.openNanos()));
        }
    }

    /** Open time of the openings that ended in the 24 hours before {@code now}; older ones are forgotten. */
    private long usedAt(long now) {
        long used = 0;
        for (Iterator<Opening> it = openings.iterator(); it.hasNext(); ) {
            Opening opening = it.next();
            if (now - opening.endedAt() >= DAY.toNanos()) {
                it.remove();
            } else {
                used += opening.openNanos();
            }
        }
        return used;
    }

    private static long seconds(long nanos) {
        return nanos / 1_000_000_000L;
    }

    private static long secondsUp(long nanos) {
        return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
    }
}
