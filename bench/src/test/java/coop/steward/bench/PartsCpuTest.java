package coop.steward.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PartsCpuTest {
    @Test
    void aPartThatComputes_isCountedTheCoreSecondsItSpent_andAnIdleOneNone() throws Exception {
        Process idle = new ProcessBuilder("sleep", "30").start();
        try {
            PartsCpu cpu = PartsCpu.start(Map.of("busy", List.of(ProcessHandle.current().pid()),
                    "idle", List.of(idle.pid())));
            // Half a second of this thread's own CPU, however long other processes keep the cores from it.
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long until = threads.getCurrentThreadCpuTime() + 500_000_000L;
            double sink = 0;
            while (threads.getCurrentThreadCpuTime() < until) {
                for (int i = 0; i < 10_000; i++) {
                    sink += Math.sqrt(sink + 1);
                }
            }
            Map<String, Double> spent = cpu.stop();

            assertThat(sink).isPositive();
            assertThat(spent.get("busy")).isBetween(0.45, 5.0);
            assertThat(spent.get("idle")).isLessThan(0.05);
            assertThat(PartsCpu.perMillion(Map.of("busy", 2.0), 1_000_000)).isEqualTo("busy 2");
        } finally {
            idle.destroy();
        }
    }

    @Test
    void aProcessThatIsGone_countsNothing() {
        assertThat(PartsCpu.ticks(Long.MAX_VALUE)).isZero();
    }
}
