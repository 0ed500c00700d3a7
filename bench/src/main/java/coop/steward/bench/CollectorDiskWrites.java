package coop.steward.bench;

import coop.steward.testsupport.MosquittoBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;

/**
 * Bytes the collector on the embedded store writes to disk a day at a {@link SmallSite}, each collector its own
 * process with its own broker. Three runs at once make up the day:
 * <ul>
 * <li>the site at the real pace for some minutes: what a message costs, time's share (below) taken out;
 * <li>a collector that knows the site's devices and then hears nothing: what time alone makes it write (what alert
 * rules remember, saved every 10 minutes);
 * <li>four days of the site's messages at an accelerated pace, each sent once the one before is stored: what the
 * store's moves of its journal into its table cost (each of its two files moves every 40,000 readings of its own
 * devices, about every 33 hours here, so never within minutes at the real pace), with the roll-ups and checkpoints
 * that come with them. That is what this run's messages cost beyond what they cost before the first move, for each
 * move, times the moves of a day.
 * </ul>
 * The bytes a message costs are not the same at both paces, so neither run alone gives the day: at the real pace
 * the kernel has written back, between two messages, pages that a faster run dirties only once.
 */
final class CollectorDiskWrites implements AutoCloseable {
    /** Messages of the accelerated run well before the store first moves its journal (at 4,000 messages of 10). */
    static final int EARLY_MESSAGES = 900;
    /**
     * Days of messages the accelerated run sends: the store moves its journal 1.44 times a day at this site, and the
     * two devices of each of its two files make each file move twice in four days ({@link SmallSite#movesIn}).
     */
    static final int DAYS = 4;

    /** Bytes written and seconds taken, and messages sent meanwhile. */
    record Window(long bytes, double seconds, long messages) {
        double perSecond() {
            return bytes / seconds;
        }
    }

    /** The figures of one run. */
    record Result(Window idle, Window acceleratedDays, Window acceleratedEarly, Window realPace) {
        /** A day's messages at what they cost at the real pace, a day's moves, and a day of time's writes. */
        double mbPerDay() {
            return (perMessage(realPace) * SmallSite.messagesPerDay() + movesPerDay() + timePerDay()) / 1e6;
        }

        /**
         * What the accelerated run's messages cost beyond what its first ones did each, for each of the moves in it,
         * times the moves of a day: its {@value #DAYS} days hold a whole number of each file's moves, fewer than
         * {@value #DAYS} days' worth.
         */
        double movesPerDay() {
            return (perMessage(acceleratedDays) - perMessage(acceleratedEarly)) * acceleratedDays.messages()
                    / SmallSite.movesIn(DAYS) * SmallSite.movesADay();
        }

        double timePerDay() {
            return idle.perSecond() * 86_400;
        }

        /** Bytes a message costs, time's share taken out. */
        double perMessage(Window w) {
            return (w.bytes() - idle.perSecond() * w.seconds()) / w.messages();
        }
    }

    private final Path dir;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();

    CollectorDiskWrites(Path dir) {
        this.dir = dir;
    }

    /** Measures as the class says; the real pace for {@code realPaceMinutes}, the rest meanwhile. */
    Result measure(int realPaceMinutes) throws Exception {
        Running idle = start("idle", 1);
        Running real = start("real-pace", 2);
        idle.site().accelerated(idle.collector(), System.currentTimeMillis() - SmallSite.MINUTE, 1, n -> { });
        real.site().atRealPace();
        // Past start-up and the first messages, which are not what a collector that has run for a while writes.
        TimeUnit.SECONDS.sleep(60);
        long idleFrom = idle.collector().writeBytes();
        long idleStart = System.nanoTime();
        long realFrom = real.collector().writeBytes();
        long realStored = real.collector().stored();
        long realStart = System.nanoTime();

        Running fast = start("accelerated", 3);
        long fastStart = System.nanoTime();
        long fastFrom = fast.collector().writeBytes();
        long[] early = new long[2];
        fast.site().accelerated(fast.collector(), System.currentTimeMillis() - DAYS * 86_400_000L, DAYS * 1_440,
                sent -> {
                    if (sent == EARLY_MESSAGES) {
                        early[0] = fast.collector().writeBytes();
                        early[1] = System.nanoTime();
                    }
                });
        Window days = new Window(fast.collector().writeBytes() - fastFrom, seconds(fastStart),
                SmallSite.DEVICES * 1_440L * DAYS);
        Window earlyWindow = new Window(early[0] - fastFrom, (early[1] - fastStart) / 1e9, EARLY_MESSAGES);

        long realEnd = realStart + TimeUnit.MINUTES.toNanos(realPaceMinutes);
        while (System.nanoTime() < realEnd) {
            Thread.sleep(200);
        }
        Window realPace = new Window(real.collector().writeBytes() - realFrom, seconds(realStart),
                (real.collector().stored() - realStored) / SmallSite.SENSORS);
        Window idleWindow = new Window(idle.collector().writeBytes() - idleFrom, seconds(idleStart), 0);
        return new Result(idleWindow, days, earlyWindow, realPace);
    }

    private record Running(CollectorProcess collector, SmallSite site) {
    }

    private Running start(String name, long seed) throws Exception {
        MosquittoBroker broker = MosquittoBroker.start(Files.createDirectories(dir.resolve(name + "-broker")));
        started.push(broker);
        CollectorProcess collector = CollectorProcess.start(broker.url(), dir.resolve(name), dir.resolve(name + ".log"));
        started.push(collector);
        SmallSite site = SmallSite.connect(broker.url(), seed);
        started.push(site);
        return new Running(collector, site);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    @Override
    public void close() throws Exception {
        while (!started.isEmpty()) {
            started.pop().close();
        }
    }
}
