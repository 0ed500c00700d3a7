package coop.steward.agent;

import java.util.concurrent.CountDownLatch;

/**
 * Keeps a long-running command alive until Ctrl-C or SIGTERM, then runs its clean stop once. The agent's, and in
 * bin/steward also the collector's and the demo's.
 */
public final class UntilStopped {
    private UntilStopped() {
    }

    public static void await(Runnable stop) {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                stop.run();
            } finally {
                stopped.countDown();
            }
        }, "steward-stop"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
