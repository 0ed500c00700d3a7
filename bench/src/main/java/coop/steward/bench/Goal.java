package coop.steward.bench;

import java.util.concurrent.CountDownLatch;

/**
 * What a timed run waits for: a count that reaches {@code target} from {@code from}, and the latch its counting thread
 * opens then. One object, read once by the counter, so that a count of the run before never opens the next run's
 * latch, nor an old target the new one.
 */
record Goal(CountDownLatch latch, long from, long target) {
    /** One that nothing reaches, until the first run sets its own. */
    static Goal none() {
        return new Goal(new CountDownLatch(1), 0, Long.MAX_VALUE);
    }

    static Goal of(long from, long more) {
        return new Goal(new CountDownLatch(1), from, from + more);
    }

    /** Opens the latch if the count has reached the target. */
    void counted(long count) {
        if (count >= target) {
            latch.countDown();
        }
    }
}
