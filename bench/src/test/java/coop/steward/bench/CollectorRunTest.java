package coop.steward.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class CollectorRunTest {
    @Test
    @Timeout(30)
    void aRunEndsAtTheBrokersLastWork_onceItHasBeenIdleAWhile_notAtItsExit() throws Exception {
        Timed.Clock clock = Timed.start();
        // A stand-in for a broker that handles a backlog of acknowledgements, then waits: the shell's own loop, no
        // child process, so that its work is its own time on a CPU.
        Process busyThenIdle = new ProcessBuilder("sh", "-c",
                "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done; sleep 20").start();
        try {
            Timed.Span done = CollectorRun.brokerDone(clock, busyThenIdle.pid());
            Timed.Span returned = clock.lap();

            assertThat(done.seconds()).as("waited for the work").isGreaterThan(0.05);
            assertThat(done.coreSeconds()).as("and counted it").isGreaterThan(0.03);
            assertThat(returned.seconds() - done.seconds()).as("ended at the last work, after 20 ms of quiet")
                    .isBetween(0.019, 1.0);
            assertThat(busyThenIdle.isAlive()).as("long before the process ended").isTrue();
        } finally {
            busyThenIdle.destroyForcibly();
        }
    }

    @Test
    @Timeout(30)
    void aBrokerThatNeverRests_failsTheRunSayingWhy_insteadOfCountingItsWork() throws Exception {
        Process busy = new ProcessBuilder("sh", "-c", "while :; do :; done").start();
        try {
            assertThatThrownBy(() -> CollectorRun.brokerDone(Timed.start(), busy.pid(),
                    TimeUnit.MILLISECONDS.toNanos(300)))
                    .hasMessageContaining("pid " + busy.pid())
                    .hasMessageContaining("did not rest for 20 ms within 300 ms")
                    .hasMessageContaining("something else keeps it busy");
        } finally {
            busy.destroyForcibly();
        }
    }
}
