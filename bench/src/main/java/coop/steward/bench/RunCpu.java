package coop.steward.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where an in-process collector run's CPU went: the servers' processes, and this process's threads by what they do.
 * The collector shares the harness's JVM with the publishers, so its part is its threads' (Vert.x's and Steward's
 * own); the JVM's garbage collector and JIT compilers serve both and are told apart; what is left of this process
 * (the publishers, whose threads end with each run, and the harness's polling) is its total less those. Read from
 * /proc: user and system time, without the kernel's interrupt work that the whole machine's count includes.
 */
final class RunCpu {
    static final String COLLECTOR = "the collector's threads";
    static final String GARBAGE_COLLECTOR = "the JVM's garbage collector";
    static final String JIT = "the JVM's JIT compilers";
    static final String PUBLISHERS = "the publishers and the rest of the harness";
    private static final Path SELF_TASKS = Path.of("/proc/self/task");

    private final Map<String, List<Long>> servers;
    private final Map<String, Long> start;

    private RunCpu(Map<String, List<Long>> servers) {
        this.servers = servers;
        this.start = ticks();
    }

    /** Starts counting: each server's name and its processes' ids, in the order the report lists them. */
    static RunCpu start(Map<String, List<Long>> servers) {
        return new RunCpu(new LinkedHashMap<>(servers));
    }

    /** Core-seconds each part spent since {@link #start}. */
    Map<String, Double> stop() {
        Map<String, Long> end = ticks();
        Map<String, Double> spent = new LinkedHashMap<>();
        end.forEach((part, ticks) -> spent.put(part,
                Math.max(0, ticks - start.getOrDefault(part, 0L)) / Timed.TICKS_PER_SECOND));
        return spent;
    }

    private Map<String, Long> ticks() {
        Map<String, Long> ticks = new LinkedHashMap<>();
        servers.forEach((name, pids) -> ticks.put(name, pids.stream().mapToLong(PartsCpu::ticks).sum()));
        long collector = 0;
        long gc = 0;
        long jit = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(SELF_TASKS)) {
            for (Path task : tasks) {
                String name;
                long spent;
                try {
                    name = Files.readString(task.resolve("comm")).strip();
                    spent = PartsCpu.cpuTicks(task);
                } catch (IOException | RuntimeException e) {
                    continue; // ended meanwhile
                }
                switch (kind(name)) {
                    case COLLECTOR -> collector += spent;
                    case GARBAGE_COLLECTOR -> gc += spent;
                    case JIT -> jit += spent;
                    default -> { }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list this process's threads: the harness needs Linux", e);
        }
        ticks.put(COLLECTOR, collector);
        ticks.put(GARBAGE_COLLECTOR, gc);
        ticks.put(JIT, jit);
        // Threads that ended since the start are in the process's total, not in any thread's.
        ticks.put(PUBLISHERS, PartsCpu.ticks(ProcessHandle.current().pid()) - collector - gc - jit);
        return ticks;
    }

    /** What a thread of this process does, by its name as the kernel keeps it (the first 15 characters). */
    static String kind(String threadName) {
        if (threadName.startsWith("vert.x-") || threadName.startsWith("steward-")) {
            return COLLECTOR;
        }
        if (threadName.startsWith("GC Thread") || threadName.startsWith("G1 ")) {
            return GARBAGE_COLLECTOR;
        }
        if (threadName.startsWith("C1 CompilerThre") || threadName.startsWith("C2 CompilerThre")) {
            return JIT;
        }
        return PUBLISHERS;
    }
}
