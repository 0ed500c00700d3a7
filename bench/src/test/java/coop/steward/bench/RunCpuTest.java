package coop.steward.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunCpuTest {
    @Test
    void threadsThatEndedDuringTheRun_countAsTheRestOfTheHarness_fromTheProcesssTotal()
            throws Exception {
        Process idle = new ProcessBuilder("sleep", "30").start();
        try {
            RunCpu cpu = RunCpu.start(Map.of("a server", List.of(idle.pid())));
            Thread collector = new Thread(() -> spin(400), "steward-store-writer");
            Thread publisher = new Thread(() -> spin(400), "bench-publisher-0");
            collector.start();
            publisher.start();
            collector.join();
            publisher.join();
            // The collector's threads outlive a run; the publishers' end with it, and only the process keeps theirs.
            Map<String, Double> spent = cpu.stop();

            assertThat(spent.get("a server")).isLessThan(0.05);
            assertThat(spent.get(RunCpu.COLLECTOR)).as("no collector thread is left to count").isLessThan(0.2);
            assertThat(spent.get(RunCpu.PUBLISHERS)).as("both ended threads, from the process's total")
                    .isBetween(0.5, 5.0);
        } finally {
            idle.destroy();
        }
    }

    @Test
    void aLiveCollectorThread_isCountedAsTheCollectors() throws Exception {
        RunCpu cpu = RunCpu.start(Map.of());
        Object done = new Object();
        Thread collector = new Thread(() -> {
            spin(400);
            synchronized (done) {
                try {
                    done.wait(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "steward-store-writer");
        collector.start();
        try {
            Thread.sleep(600);
            Map<String, Double> spent = cpu.stop();

            assertThat(spent.get(RunCpu.COLLECTOR)).isBetween(0.3, 5.0);
            assertThat(spent.get(RunCpu.PUBLISHERS)).isLessThan(0.3);
        } finally {
            collector.interrupt();
            collector.join();
        }
    }

    @Test
    void threadsAreToldApartByTheNamesTheKernelKeeps() {
        assertThat(RunCpu.kind("vert.x-eventloo")).isEqualTo(RunCpu.COLLECTOR);
        assertThat(RunCpu.kind("steward-alerts-")).isEqualTo(RunCpu.COLLECTOR);
        assertThat(RunCpu.kind("GC Thread#1")).isEqualTo(RunCpu.GARBAGE_COLLECTOR);
        assertThat(RunCpu.kind("G1 Conc#0")).isEqualTo(RunCpu.GARBAGE_COLLECTOR);
        assertThat(RunCpu.kind("C2 CompilerThre")).isEqualTo(RunCpu.JIT);
        assertThat(RunCpu.kind("MQTT Rec: bench")).isEqualTo(RunCpu.PUBLISHERS);
    }

    private static void spin(long millis) {
        long until = System.nanoTime() + millis * 1_000_000L;
        double sink = 0;
        while (System.nanoTime() < until) {
            sink += Math.sqrt(sink + 1);
        }
        if (sink < 0) {
            throw new AssertionError();
        }
    }
}
