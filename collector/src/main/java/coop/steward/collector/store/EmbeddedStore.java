package coop.steward.collector.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * The embedded store: each device's readings in one of two SQLite stores ({@link SqliteReadingStore}), chosen by its
 * site and name, so that a write of many devices' readings runs on two threads. One SQLite file takes one writer at
 * a time, and under load that writer was the collector's bound: one core's worth of inserts while the other core had
 * time to spare (docs/reliability.md).
 *
 * <p>The first store is the data folder's own {@code readings.db}, as before there were two; the second lives in
 * {@value #SECOND}. A folder whose {@code readings.db} was made before then, without {@value #SECOND}, keeps its one
 * store: its devices' readings are all in it, and a device's history must stay in one place.
 *
 * <p>A write that fails in one store may have committed in the other; nothing of it is acknowledged, and writing it
 * again keeps the first copy of each reading, as every write does.
 */
public final class EmbeddedStore implements ReadingStore {
    /** The folder of the second store, inside the data folder. */
    static final String SECOND = "shard-1";
    /** How many SQLite stores a new data folder spreads its devices over. */
    public static final int NEW_FOLDER_STORES = 2;
    /**
     * How many files the folder has, kept in {@code readings.db}: a folder whose second file has gone missing (a copy
     * of the {@code .db} files alone) is refused instead of opened as one made before there were two.
     */
    private static final String FILES = "files";

    private final List<SqliteReadingStore> shards;
    /** Writes the second store's part of a write while the caller writes the first's. */
    private final ExecutorService secondWriter;

    private EmbeddedStore(List<SqliteReadingStore> shards) {
        this.shards = shards;
        this.secondWriter = shards.size() < 2 ? null : Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "steward-store-second-writer");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Opens (creating when needed) the store in {@code dir}; raw readings older than {@code rawRetention} are
     * dropped by {@link #maintain}, hourly roll-ups are kept for ever.
     */
    public static EmbeddedStore open(Path dir, Duration rawRetention) {
        Path second = dir.resolve(SECOND);
        boolean madeBefore = Files.exists(dir.resolve(SqliteSchema.FILE)) && !Files.isDirectory(second);
        if (!madeBefore) {
            try {
                // First, so that a start cut short after this never leaves a new folder looking made before.
                Files.createDirectories(second);
            } catch (IOException e) {
                throw new StoreException("cannot create the data folder " + second.toAbsolutePath()
                        + ": check that it is writable (" + e.getMessage() + ")", e);
            }
        }
        SqliteReadingStore first = SqliteReadingStore.open(dir, rawRetention);
        try {
            long files = first.kept(FILES);
            if (madeBefore && files > 1) {
                throw missing(dir, files, "the folder of its second, " + second.toAbsolutePath());
            }
            if (madeBefore) {
                return new EmbeddedStore(List.of(first));
            }
            if (files > 1 && !Files.exists(second.resolve(SqliteSchema.FILE))) {
                throw missing(dir, files, "the second, " + second.resolve(SqliteSchema.FILE).toAbsolutePath());
            }
            EmbeddedStore store = new EmbeddedStore(List.of(first, SqliteReadingStore.open(second, rawRetention)));
            if (files < NEW_FOLDER_STORES) {
                first.keep(FILES, NEW_FOLDER_STORES); // once both exist: a start cut short before finds the folder
            }
            return store;
        } catch (RuntimeException e) {
            first.close();
            throw e;
        }
    }

    /** Why a folder of {@code files} files cannot open without {@code what}. */
    private static StoreException missing(Path dir, long files, String what) {
        return new StoreException("the data folder " + dir.toAbsolutePath() + " keeps its readings in " + files
                + " files, and " + what + ", is missing: the readings of the devices it held cannot be reached "
                + "without it. Put it back (from the copy this folder came from) and start again.", null);
    }

    public static EmbeddedStore open(Path dir) {
        return open(dir, SqliteReadingStore.DEFAULT_RAW_RETENTION);
    }

    /** How many SQLite stores the readings are spread over: 1 in a folder made before there were two. */
    public int stores() {
        return shards.size();
    }

    /** For tests: one of the stores. */
    SqliteReadingStore shard(int i) {
        return shards.get(i);
    }

    /** Which of the stores a device's readings, sensors and status live in, from 0. */
    public int shardOf(String site, String device) {
        return shardOf(site, device, shards.size());
    }

    /** Which of {@code stores} stores a device's readings live in, from 0. */
    public static int shardOf(String site, String device, int stores) {
        if (stores == 1) {
            return 0;
        }
        CRC32C crc = new CRC32C();
        // The same on every start and every machine: a device's history stays where its first reading went.
        crc.update((site + "/" + device).getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % stores);
    }

    @Override
    public long write(List<DeviceReadings> readings, List<DeviceStatus> statuses) {
        if (shards.size() == 1) {
            return shards.get(0).write(readings, statuses);
        }
        List<List<DeviceReadings>> readingsOf = List.of(new ArrayList<>(), new ArrayList<>());
        List<List<DeviceStatus>> statusesOf = List.of(new ArrayList<>(), new ArrayList<>());
        for (DeviceReadings r : readings) {
            readingsOf.get(shardOf(r.site(), r.device())).add(r);
        }
        for (DeviceStatus s : statuses) {
            statusesOf.get(shardOf(s.site(), s.device())).add(s);
        }
        boolean firstHasWork = !readingsOf.get(0).isEmpty() || !statusesOf.get(0).isEmpty();
        boolean secondHasWork = !readingsOf.get(1).isEmpty() || !statusesOf.get(1).isEmpty();
        if (!secondHasWork) {
            return shards.get(0).write(readingsOf.get(0), statusesOf.get(0));
        }
        if (!firstHasWork) {
            return shards.get(1).write(readingsOf.get(1), statusesOf.get(1));
        }
        Future<Long> second = secondWriter.submit(() -> shards.get(1).write(readingsOf.get(1), statusesOf.get(1)));
        Throwable failed = null;
        long inserted = 0;
        try {
            inserted += shards.get(0).write(readingsOf.get(0), statusesOf.get(0));
        } catch (RuntimeException | Error e) {
            failed = e;
        }
        // Waited for even after a failure: a retry must not run beside it.
        try {
            inserted += waitFor(second);
        } catch (RuntimeException | Error e) {
            failed = firstOf(failed, e);
        }
        if (failed instanceof Error e) {
            throw e;
        }
        if (failed != null) {
            throw (RuntimeException) failed;
        }
        return inserted;
    }

    private static long waitFor(Future<Long> write) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return write.get();
                } catch (InterruptedException e) {
                    interrupted = true; // the write goes on regardless: its outcome decides this one's
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new StoreException("writing to " + SECOND + " failed: " + e.getCause(), e.getCause());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Each store's own figure: a transaction as large as the stores take apart, and two of them at once. */
    @Override
    public int readingsPerWrite() {
        return SqliteReadingStore.READINGS_PER_WRITE * shards.size();
    }

    @Override
    public SeriesData query(SeriesQuery query) {
        return shards.get(shardOf(query.key().site(), query.key().device())).query(query);
    }

    @Override
    public List<SensorSummary> sensors() {
        List<SensorSummary> all = new ArrayList<>();
        for (SqliteReadingStore shard : shards) {
            all.addAll(shard.sensors());
        }
        all.sort(Comparator.comparing((SensorSummary s) -> s.key().site())
                .thenComparing(s -> s.key().device()).thenComparing(s -> s.key().sensor()));
        return all;
    }

    @Override
    public List<DeviceStatus> devices() {
        List<DeviceStatus> all = new ArrayList<>();
        for (SqliteReadingStore shard : shards) {
            all.addAll(shard.devices());
        }
        all.sort(Comparator.comparing(DeviceStatus::site).thenComparing(DeviceStatus::device));
        return all;
    }

    /** Each store's upkeep; one that fails does not keep the other from its own. */
    @Override
    public void maintain(long now) {
        everyStore(shard -> shard.maintain(now));
    }

    @Override
    public void settle() {
        everyStore(SqliteReadingStore::settle);
    }

    @Override
    public void ping() {
        everyStore(SqliteReadingStore::ping);
    }

    @Override
    public void close() {
        if (secondWriter != null) {
            secondWriter.shutdown();
        }
        everyStore(SqliteReadingStore::close);
    }

    private void everyStore(Consumer<SqliteReadingStore> action) {
        RuntimeException failed = null;
        for (SqliteReadingStore shard : shards) {
            try {
                action.accept(shard);
            } catch (RuntimeException e) {
                failed = firstOf(failed, e);
            }
        }
        if (failed != null) {
            throw failed;
        }
    }

    /** The first failure, with {@code next} beside it; {@code next} when there was none before. */
    private static <T extends Throwable> T firstOf(T first, T next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }
}
