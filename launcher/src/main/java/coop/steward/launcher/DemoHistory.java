package coop.steward.launcher;

import coop.steward.agent.sensor.Sensor;
import coop.steward.agent.sensor.Sensors;
import coop.steward.collector.alert.AlertReplay;
import coop.steward.collector.config.CollectorConfig;
import coop.steward.collector.store.DeviceReadings;
import coop.steward.collector.store.EmbeddedStore;
import coop.steward.config.DeviceConfig;
import coop.steward.protocol.Reading;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * The demo's history: on the first start of a data folder, {@link DemoStory#HISTORY} of readings from the same
 * simulator and device configs as the live agents, up to the moment they start, so the live data continues it
 * without a gap or a jump. Readings go straight into the store (MQTT would take minutes), and through the
 * collector's alert rules in data-time order on a clock that follows the data ({@link AlertReplay}), so the alerts
 * are those the collector would have raised live, at the same times.
 *
 * <p>The history is coarser than live data: {@link #FAST_KINDS} every minute (the valve's ten-minute waterings,
 * a one-minute leak, a cloud's shadow on the arrays still show), everything else every five minutes. It is written
 * into a folder of its own, which becomes the store only once complete, with the marker inside it: an interrupted
 * fill leaves no half history, and the next start begins it afresh. A folder whose store predates the history is
 * kept as it is.
 */
final class DemoHistory {
    static final String MARKER = "history.properties";
    static final Set<String> FAST_KINDS = Set.of("flow_rate", "valve_state", "solar_power", "solar_voltage",
            "solar_current", "irradiance");
    static final long FAST_MS = Duration.ofMinutes(1).toMillis();
    static final long SLOW_MS = Duration.ofMinutes(5).toMillis();
    private static final long DAY_MS = Duration.ofDays(1).toMillis();
    /** The history ends this close to the live agents' start; their first readings follow within seconds. */
    private static final long CAUGHT_UP_MS = 1_000;
    private static final long HISTORY_DAYS = DemoStory.HISTORY.toDays();

    private DemoHistory() {
    }

    /** How often the history has a reading of this kind. */
    static long intervalMs(String kind) {
        return FAST_KINDS.contains(kind) ? FAST_MS : SLOW_MS;
    }

    /**
     * The data folder's story: read from its marker, or begun now, in which case the history is filled first. A
     * store without a marker predates the history and is kept as it is, with a story from now on.
     */
    static DemoStory prepare(Path dataDir, CollectorConfig collector, LongSupplier clock, Consumer<String> say) {
        Path store = dataDir.resolve("store");
        Path marker = store.resolve(MARKER);
        if (Files.exists(marker)) {
            Properties properties = load(marker);
            return new DemoStory(Instant.parse(properties.getProperty("firstStart")),
                    Boolean.parseBoolean(properties.getProperty("filled")));
        }
        if (Files.exists(store)) {
            DemoStory story = new DemoStory(Instant.ofEpochMilli(clock.getAsLong()), false);
            say.accept("This data folder was first used before the demo had a history: it is kept as it is. Start "
                    + "with an empty --data folder to see " + HISTORY_DAYS + " days of history.");
            Properties properties = new Properties();
            properties.setProperty("firstStart", story.firstStart().toString());
            properties.setProperty("filled", "false");
            save(properties, marker);
            return story;
        }
        DemoStory story = new DemoStory(Instant.ofEpochMilli(clock.getAsLong()), true);
        Path filling = dataDir.resolve("store.filling");
        deleteTree(filling);
        say.accept("First start on " + dataDir + ": filling " + HISTORY_DAYS + " days of simulated history ("
                + LocalDate.ofInstant(story.historyFrom(), ZoneOffset.UTC) + " to now: readings, and the alerts they "
                + "raised) so that every view of the dashboard has something to show. This takes about 10 seconds, "
                + "once; an interrupted fill starts afresh next time.");
        long started = System.nanoTime();
        try {
            Filled filled = fill(filling, story, collector, clock, say);
            Properties properties = filled.describe(story, (System.nanoTime() - started) / 1e9);
            save(properties, filling.resolve(MARKER));
            Files.move(filling, store, StandardCopyOption.ATOMIC_MOVE);
            say.accept(String.format("History filled in %.1f s: %,d readings of %d devices from %s, %d alerts "
                            + "raised and %d resolved.", (System.nanoTime() - started) / 1e9, filled.readings(),
                    Demo.DEVICES.size(), story.historyFrom(), filled.raised(), filled.resolved()));
            return story;
        } catch (IOException e) {
            throw discard(filling, new UncheckedIOException("filling the demo's history in " + filling + " failed: "
                    + e.getMessage(), e));
        } catch (RuntimeException e) {
            throw discard(filling, e);
        } catch (Error e) {
            throw discard(filling, e);
        }
    }

    /** Removes a fill that failed, so that the next start begins afresh; the failure is what is reported. */
    private static <T extends Throwable> T discard(Path filling, T failure) {
        try {
            deleteTree(filling);
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
        return failure;
    }

    private record Filled(long readings, long to, int raised, int resolved) {
        Properties describe(DemoStory story, double seconds) {
            Properties properties = new Properties();
            properties.setProperty("firstStart", story.firstStart().toString());
            properties.setProperty("filled", "true");
            properties.setProperty("from", story.historyFrom().toString());
            properties.setProperty("to", Instant.ofEpochMilli(to).toString());
            properties.setProperty("readings", Long.toString(readings));
            properties.setProperty("alertsRaised", Integer.toString(raised));
            properties.setProperty("alertsResolved", Integer.toString(resolved));
            properties.setProperty("seconds", String.format(Locale.ROOT, "%.1f", seconds));
            return properties;
        }
    }

    /** One demo device's simulated sensors with their history intervals. */
    private record Device(String site, String device, List<Sensor> sensors, long[] intervalsMs,
                          List<Reading> buffered) {
        static Device of(DeviceConfig config) {
            List<Sensor> sensors = Sensors.from(config);
            long[] intervals = new long[sensors.size()];
            for (int i = 0; i < intervals.length; i++) {
                intervals[i] = intervalMs(config.sensors().get(i).kind());
            }
            return new Device(config.site(), config.device(), sensors, intervals, new ArrayList<>());
        }

        /** The readings due at {@code t}, in sensor order. */
        List<Reading> sample(long t) {
            List<Reading> due = new ArrayList<>(sensors.size());
            for (int i = 0; i < sensors.size(); i++) {
                if (t % intervalsMs[i] == 0) {
                    Reading reading = sensors.get(i).sample(t);
                    if (reading != null) {
                        due.add(reading);
                    }
                }
            }
            return due;
        }
    }

    /**
     * Minute by minute from the history's start, every device's readings due then go to the alert rules at once
     * and to the store a day at a time, on a thread of its own, so simulating and storing overlap. Until the
     * history is within a second of now: the first pass takes a while, the passes after it a moment.
     */
    private static Filled fill(Path folder, DemoStory story, CollectorConfig collector, LongSupplier clock,
                               Consumer<String> say) throws IOException {
        List<Device> devices = new ArrayList<>();
        for (String name : Demo.DEVICES) {
            // The agents' own configs; the broker address and the outbox folder play no part in the history.
            devices.add(Device.of(Demo.config(name, "tcp://127.0.0.1:1883", folder.resolveSibling("agents"), story)));
        }
        long from = story.historyFrom().toEpochMilli();
        long end = story.firstStart().toEpochMilli();
        long span = end - from;
        long readings = 0;
        ExecutorService writer = Executors.newSingleThreadExecutor(r -> new Thread(r, "steward-demo-history"));
        try (EmbeddedStore store = EmbeddedStore.open(folder, collector.rawRetention());
             AlertReplay replay = AlertReplay.open(collector.alerts(), folder, from)) {
            Future<?> writing = null;
            int told = 0;
            long t = from;
            while (true) {
                for (; t < end; t += FAST_MS) {
                    for (Device device : devices) {
                        List<Reading> due = device.sample(t);
                        if (!due.isEmpty()) {
                            replay.readings(device.site(), device.device(), due, t);
                            device.buffered().addAll(due);
                            readings += due.size();
                        }
                    }
                    replay.tick(t);
                    if ((t + FAST_MS) % DAY_MS == 0) {
                        writing = store(writer, writing, store, devices, t);
                        int tenths = (int) Math.min(9, (t - from) * 10 / span);
                        if (tenths > told) {
                            told = tenths;
                            say.accept(String.format("  %d %%: %s", tenths * 10,
                                    LocalDate.ofInstant(Instant.ofEpochMilli(t), ZoneOffset.UTC)));
                        }
                    }
                }
                long now = clock.getAsLong();
                if (now - end < CAUGHT_UP_MS) {
                    break;
                }
                end = now;
            }
            writing = store(writer, writing, store, devices, t - FAST_MS);
            await(writing);
            // As a collector that ran through the history would have: its hours rolled up, its old readings gone.
            store.maintain(t);
            return new Filled(readings, t - FAST_MS, replay.raised(), replay.resolved());
        } finally {
            writer.shutdownNow();
        }
    }

    /** Hands what the devices buffered to the writer once it finished the previous day. */
    private static Future<?> store(ExecutorService writer, Future<?> previous, EmbeddedStore store,
                                   List<Device> devices, long lastT) {
        List<DeviceReadings> batch = new ArrayList<>();
        for (Device device : devices) {
            if (!device.buffered().isEmpty()) {
                batch.add(new DeviceReadings(device.site(), device.device(), List.copyOf(device.buffered()), lastT));
                device.buffered().clear();
            }
        }
        await(previous);
        return writer.submit(() -> store.write(batch, List.of()));
    }

    private static void await(Future<?> writing) {
        if (writing == null) {
            return;
        }
        try {
            writing.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while filling the demo's history", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("storing the demo's history failed: " + e.getCause().getMessage(),
                    e.getCause());
        }
    }

    private static Properties load(Path marker) {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(marker)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the demo's history marker " + marker + ": " + e.getMessage(),
                    e);
        }
        if (properties.getProperty("firstStart") == null) {
            throw new IllegalStateException("the demo's history marker " + marker + " has no firstStart; delete the "
                    + "data folder to start afresh");
        }
        return properties;
    }

    /** On disk before it returns: the store folder it goes into is renamed into place right after. */
    private static void save(Properties properties, Path marker) {
        try (FileChannel channel = FileChannel.open(marker, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING); OutputStream out = Channels.newOutputStream(channel)) {
            properties.store(out, "Steward demo: this data folder's simulated history; firstStart dates its story");
            channel.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the demo's history marker " + marker + ": "
                    + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the unfinished history in " + folder + ": "
                    + e.getMessage(), e);
        }
    }
}
