package coop.steward.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RunCpuTest {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    @Test
    void aCollectorThreadThatComputes_isCountedAsTheCollectors_andAnIdleServerNothing() throws Exception {
        Process idle = new ProcessBuilder("sleep", "30").start();
        CountDownLatch spun = new CountDownLatch(1);
        CountDownLatch counted = new CountDownLatch(1);
        Thread collector = new Thread(() -> {
            spin(400);
            spun.countDown();
            await(counted);
        }, "steward-store-writer");
        try {
            RunCpu cpu = RunCpu.start(Map.of("a server", List.of(idle.pid())));
            collector.start();
            assertThat(spun.await(30, TimeUnit.SECONDS)).isTrue();
            Map<String, Double> spent = cpu.stop();

            assertThat(spent.get(RunCpu.COLLECTOR)).isBetween(0.3, 5.0);
            assertThat(spent.get(RunCpu.PUBLISHERS)).isLessThan(0.3);
            assertThat(spent.get("a server")).isLessThan(0.05);
        } finally {
            counted.countDown();
            collector.join();
            idle.destroy();
        }
    }

    @Test
    void threadsThatEndDuringTheRun_countAsTheRestOfTheHarness_evenACollectorOneThatWasThereAtTheStart()
            throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch go = new CountDownLatch(1);
        AtomicReference<Path> collectorTask = new AtomicReference<>();
        Thread collector = new Thread(() -> {
            collectorTask.set(ownTask());
            spin(200); // before the count starts: none of this is the run's
            started.countDown();
            await(go);
            spin(300);
        }, "vert.x-eventloop-thread-0");
        collector.start();
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        RunCpu cpu = RunCpu.start(Map.of());
        go.countDown();
        Thread publisher = new Thread(() -> spin(300), "bench-publisher-0");
        publisher.start();
        collector.join();
        publisher.join();
        // join() returns when the Java thread is done, a moment before the kernel's thread is gone from /proc.
        awaitGone(collectorTask.get());
        Map<String, Double> spent = cpu.stop();

        assertThat(spent.get(RunCpu.COLLECTOR)).as("no collector thread is left to count").isLessThan(0.1);
        assertThat(spent.get(RunCpu.PUBLISHERS)).as("both ended threads' run time, from the process's total")
                .isBetween(0.45, 5.0);
    }

    @Test
    void theJitsTicksAreTheCompilerThreadsAlone_andItsSecondsCountFromThem() throws Exception {
        Map<String, Long> before = RunCpu.jitTicks();

        assertThat(before).as("a JVM that compiles has compiler threads").isNotEmpty();
        for (String thread : before.keySet()) {
            String name = Files.readString(Path.of("/proc/self/task", thread, "comm")).strip();
            assertThat(RunCpu.kind(name)).as(name).isEqualTo(RunCpu.JIT);
        }
        assertThat(before).doesNotContainKey(ownTask().getFileName().toString());
        long sinceStart = before.values().stream().mapToLong(Long::longValue).sum();
        assertThat(RunCpu.jitSecondsSince(Map.of())).isGreaterThanOrEqualTo(sinceStart / Timed.TICKS_PER_SECOND);
        assertThat(RunCpu.jitSecondsSince(before)).isBetween(0.0, RunCpu.jitSecondsSince(Map.of()));
    }

    @Test
    void threadsAreToldApartByTheNamesTheKernelKeeps() {
        assertThat(RunCpu.kind("vert.x-eventloo")).isEqualTo(RunCpu.COLLECTOR);
        assertThat(RunCpu.kind("steward-alerts-")).isEqualTo(RunCpu.COLLECTOR);
        assertThat(RunCpu.kind("vertx-blocked-t")).isEqualTo(RunCpu.COLLECTOR);
        assertThat(RunCpu.kind("OkHttp TaskRunn")).isEqualTo(RunCpu.COLLECTOR);
        assertThat(RunCpu.kind("GC Thread#1")).isEqualTo(RunCpu.GARBAGE_COLLECTOR);
        assertThat(RunCpu.kind("G1 Conc#0")).isEqualTo(RunCpu.GARBAGE_COLLECTOR);
        assertThat(RunCpu.kind("VM Thread")).isEqualTo(RunCpu.GARBAGE_COLLECTOR);
        assertThat(RunCpu.kind("C2 CompilerThre")).isEqualTo(RunCpu.JIT);
        assertThat(RunCpu.kind("MQTT Rec: bench")).isEqualTo(RunCpu.PUBLISHERS);
    }

    /** Computes until this thread has had {@code millis} of CPU, however busy the machine is. */
    private static void spin(long millis) {
        long until = THREADS.getCurrentThreadCpuTime() + millis * 1_000_000L;
        double sink = 0;
        while (THREADS.getCurrentThreadCpuTime() < until) {
            for (int i = 0; i < 10_000; i++) {
                sink += Math.sqrt(sink + i);
            }
        }
        if (sink < 0) {
            throw new AssertionError();
        }
    }

    /** The calling thread's directory under /proc/self/task, or null where /proc does not say (before Linux 3.17). */
    private static Path ownTask() {
        try {
            return Path.of("/proc").resolve(Files.readSymbolicLink(Path.of("/proc/thread-self")));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static void awaitGone(Path task) throws InterruptedException {
        assertThat(task).as("the ended thread's /proc/thread-self").isNotNull();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Files.exists(task)) {
            assertThat(System.nanoTime()).as("the kernel has let go of " + task).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
