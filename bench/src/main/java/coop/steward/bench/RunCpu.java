package coop.steward.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where an in-process collector run's CPU went: the servers' processes, and this process's threads by what they do.
 * The collector shares the harness's JVM with the publishers, so its part is its threads' (Vert.x's, Steward's own
 * and its InfluxDB client's); the JVM's garbage collector and JIT compilers serve both and are told apart; what is
 * left of this process (the publishers, whose threads end with each run, and the harness's own threads) is its total
 * less those. Read from /proc: user and system time of each process and thread.
 */
final class RunCpu {
    static final String COLLECTOR = "the collector's threads";
    static final String GARBAGE_COLLECTOR = "the JVM's garbage collector and VM thread";
    static final String JIT = "the JVM's JIT compilers";
    static final String PUBLISHERS = "the publishers and the rest of the harness";
    private static final Path SELF_TASKS = Path.of("/proc/self/task");

    private record Task(String name, String kind, long ticks) {
    }

    private final PartsCpu servers;
    private final Map<String, Task> tasksAtStart;
    private final long processAtStart;
    /** The collector's threads' core-seconds, by name (its first 15 characters), once stopped: for the log. */
    private final Map<String, Double> collectorThreads = new TreeMap<>();

    private RunCpu(Map<String, List<Long>> servers) {
        this.servers = PartsCpu.start(servers);
        this.tasksAtStart = tasks();
        this.processAtStart = PartsCpu.ticks(ProcessHandle.current().pid());
    }

    /** Starts counting: each server's name and its processes' ids, in the order the report lists them. */
    static RunCpu start(Map<String, List<Long>> servers) {
        return new RunCpu(servers);
    }

    /** After {@link #stop}: the collector's part, thread name by thread name. */
    Map<String, Double> collectorThreads() {
        return collectorThreads;
    }

    /** Core-seconds each part spent since {@link #start}. */
    Map<String, Double> stop() {
        Map<String, Double> seconds = servers.stop();
        Map<String, Long> spent = new LinkedHashMap<>();
        long process = PartsCpu.ticks(ProcessHandle.current().pid()) - processAtStart;
        spent.put(COLLECTOR, 0L);
        spent.put(GARBAGE_COLLECTOR, 0L);
        spent.put(JIT, 0L);
        long threads = 0;
        // Thread by thread: one that ended meanwhile takes its ticks out of no part but the process's total, where the
        // publishers' (whose threads end with each run) are found too.
        for (Map.Entry<String, Task> e : tasks().entrySet()) {
            Task now = e.getValue();
            if (now.kind().equals(PUBLISHERS)) {
                continue;
            }
            Task before = tasksAtStart.get(e.getKey());
            long ticks = now.ticks() - (before == null ? 0 : before.ticks());
            spent.merge(now.kind(), ticks, Long::sum);
            threads += ticks;
            if (now.kind().equals(COLLECTOR)) {
                collectorThreads.merge(now.name(), ticks / Timed.TICKS_PER_SECOND, Double::sum);
            }
        }
        spent.put(PUBLISHERS, Math.max(0, process - threads));
        spent.forEach((part, ticks) -> seconds.put(part, ticks / Timed.TICKS_PER_SECOND));
        return seconds;
    }

    /** This process's JIT compiler threads' ticks so far, by thread id: what {@link #jitSecondsSince} counts from. */
    static Map<String, Long> jitTicks() {
        Map<String, Long> ticks = new HashMap<>();
        tasks().forEach((id, task) -> {
            if (task.kind().equals(JIT)) {
                ticks.put(id, task.ticks());
            }
        });
        return ticks;
    }

    /**
     * Core-seconds the JIT compiler threads spent since {@code before}, thread by thread, so never less than nothing: a
     * compiler thread the JVM ends meanwhile (it adds and ends them with its queue) takes only its own ticks since
     * then out of the count, which on 2 cores, with one thread per compiler and none ended, does not happen.
     */
    static double jitSecondsSince(Map<String, Long> before) {
        long ticks = 0;
        for (Map.Entry<String, Long> now : jitTicks().entrySet()) {
            ticks += now.getValue() - before.getOrDefault(now.getKey(), 0L);
        }
        return ticks / Timed.TICKS_PER_SECOND;
    }

    /** This process's threads by id, each with its kind and ticks. */
    private static Map<String, Task> tasks() {
        Map<String, Task> tasks = new HashMap<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(SELF_TASKS)) {
            for (Path task : dirs) {
                try {
                    String name = Files.readString(task.resolve("comm")).strip();
                    tasks.put(task.getFileName().toString(), new Task(name, kind(name), PartsCpu.cpuTicks(task)));
                } catch (IOException | RuntimeException e) {
                    // ended meanwhile
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list this process's threads: the harness needs Linux", e);
        }
        return tasks;
    }

    /** What a thread of this process does, by its name as the kernel keeps it (the first 15 characters). */
    static String kind(String threadName) {
        if (threadName.startsWith("vert.x-") || threadName.startsWith("vertx-") || threadName.startsWith("steward-")
                || threadName.startsWith("OkHttp") || threadName.startsWith("Okio ")) {
            return COLLECTOR;
        }
        if (threadName.startsWith("GC Thread") || threadName.startsWith("G1 ") || threadName.equals("VM Thread")) {
            return GARBAGE_COLLECTOR;
        }
        if (threadName.startsWith("C1 CompilerThre") || threadName.startsWith("C2 CompilerThre")) {
            return JIT;
        }
        return PUBLISHERS;
    }
}
