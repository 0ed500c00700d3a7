package coop.steward.collector.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBException;
import org.influxdb.InfluxDBFactory;
import org.influxdb.InfluxDBIOException;
import org.influxdb.dto.Pong;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;

/**
 * One InfluxDB database over the v1 HTTP API: each call is one request, so a batch of readings is one write and
 * a group of statements one query. Every failure becomes a {@link StoreException} that names the server.
 */
final class InfluxConnection implements AutoCloseable {
    /**
     * Requests sent at once: all four of a transaction of 20,000 readings, and the small write of its devices' last
     * contact beside them (a full transaction, {@link InfluxReadingStore#READINGS_PER_WRITE}, makes eleven, sent five
     * at a time; not measured against other counts). InfluxDB parses each on one core and spends part of each
     * waiting (on its write-ahead log, on the network), so four side by side can end sooner than two pairs even on
     * fewer cores.
     * Measured once, on this project's 2-core machine with InfluxDB beside the collector (bin/bench's InfluxDB
     * ingest, writes timed by instrumentation not kept): about 50 ms a transaction's readings instead of about 70
     * once publishing was over; the devices' write, sent after them until it went beside them, took another 3 ms.
     */
    private static final int PARALLEL_REQUESTS = 5;

    private final InfluxSettings settings;
    private final InfluxDB client;
    private final ExecutorService senders = Executors.newFixedThreadPool(PARALLEL_REQUESTS, task -> {
        Thread thread = new Thread(task, "steward-influx-write");
        thread.setDaemon(true);
        return thread;
    });

    private InfluxConnection(InfluxSettings settings, InfluxDB client) {
        this.settings = settings;
        this.client = client;
    }

    static InfluxConnection connect(InfluxSettings settings) {
        // Long reads: the first upkeep of a large database rolls up a day of readings per query.
        OkHttpClient.Builder http = new OkHttpClient.Builder()
                .connectTimeout(Duration.ofSeconds(5))
                .readTimeout(Duration.ofSeconds(60))
                .writeTimeout(Duration.ofSeconds(60));
        try {
            InfluxDB client = settings.username() == null
                    ? InfluxDBFactory.connect(settings.url(), http)
                    : InfluxDBFactory.connect(settings.url(), settings.username(),
                            settings.password() == null ? "" : settings.password(), http);
            return new InfluxConnection(settings, client);
        } catch (RuntimeException e) {
            throw failure(settings, "Connecting to", e);
        }
    }

    String database() {
        return settings.database();
    }

    /** Runs the statements in one request and answers, per statement, the series it returned. */
    List<List<InfluxRows>> query(List<String> statements) {
        if (statements.isEmpty()) {
            return List.of();
        }
        QueryResult answer;
        try {
            // POST: a write's look-up of stored identities can be longer than a URL may be.
            answer = client.query(new Query(String.join(";\n", statements), settings.database(), true),
                    TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            throw failure(settings, "Querying", e);
        }
        if (answer.hasError()) {
            throw new StoreException(where(settings) + " refused a query: " + answer.getError(), null);
        }
        List<List<InfluxRows>> results = new ArrayList<>();
        for (QueryResult.Result result : answer.getResults()) {
            if (result.hasError()) {
                String statement = statements.get(Math.min(results.size(), statements.size() - 1));
                throw new StoreException(where(settings) + " could not run `" + statement + "`: " + result.getError(),
                        null);
            }
            List<InfluxRows> series = new ArrayList<>();
            if (result.getSeries() != null) {
                for (QueryResult.Series s : result.getSeries()) {
                    series.add(new InfluxRows(s));
                }
            }
            results.add(series);
        }
        return results;
    }

    List<InfluxRows> query(String statement) {
        return query(List.of(statement)).get(0);
    }

    /** Lines for one retention policy. */
    record Lines(String retentionPolicy, InfluxLines lines) {
    }

    /**
     * Writes every point to a retention policy, in requests of {@link InfluxLines#CHUNK_POINTS} sent side by side,
     * and returns once all are stored. A write that fails may still have stored some of its points (InfluxDB 1.x
     * writes what it can, and other requests may have succeeded); retrying it is safe, as points of the same
     * identity replace each other.
     */
    void write(String retentionPolicy, InfluxLines lines) {
        write(List.of(new Lines(retentionPolicy, lines)));
    }

    /** Writes to several retention policies, all their requests side by side, each as {@code write(rp, lines)} would. */
    void write(List<Lines> writes) {
        List<Runnable> requests = requests(writes);
        if (requests.size() <= 1) {
            requests.forEach(Runnable::run);
            return;
        }
        send(requests, points(writes)).await();
    }

    /** Sends the writes' requests side by side and returns at once; {@link Sent#await} says how they ended. */
    Sent send(List<Lines> writes) {
        return send(requests(writes), points(writes));
    }

    private Sent send(List<Runnable> requests, int points) {
        List<Future<?>> sent = new ArrayList<>();
        for (Runnable request : requests) {
            sent.add(senders.submit(request));
        }
        return new Sent(sent, points);
    }

    private List<Runnable> requests(List<Lines> writes) {
        List<Runnable> requests = new ArrayList<>();
        for (Lines write : writes) {
            List<String> chunks = write.lines().points() == 0 ? List.of() : write.lines().chunks();
            for (int i = 0; i < chunks.size(); i++) {
                String chunk = chunks.get(i);
                int points = i < chunks.size() - 1 ? InfluxLines.CHUNK_POINTS
                        : write.lines().points() - InfluxLines.CHUNK_POINTS * (chunks.size() - 1);
                requests.add(() -> write(write.retentionPolicy(), chunk, points));
            }
        }
        return requests;
    }

    private static int points(List<Lines> writes) {
        return writes.stream().mapToInt(w -> w.lines().points()).sum();
    }

    /** Requests on their way to InfluxDB. */
    final class Sent {
        private final List<Future<?>> requests;
        private final int points;

        private Sent(List<Future<?>> requests, int points) {
            this.requests = requests;
            this.points = points;
        }

        /** Returns once every request is answered; throws if any failed (the others may have stored theirs). */
        void await() {
            StoreException failed = null;
            for (Future<?> request : requests) {
                try {
                    request.get();
                } catch (ExecutionException e) {
                    if (failed == null) {
                        failed = e.getCause() instanceof StoreException s ? s : failure(settings, "Writing " + points
                                + " points to", new RuntimeException(e.getCause()));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StoreException("Interrupted while writing to " + where(settings) + "; the same write "
                            + "can be retried as it is", e);
                }
            }
            if (failed != null) {
                throw failed;
            }
        }
    }

    private void write(String retentionPolicy, String lines, int points) {
        try {
            client.write(settings.database(), retentionPolicy, InfluxDB.ConsistencyLevel.ONE, TimeUnit.MILLISECONDS,
                    lines);
        } catch (RuntimeException e) {
            if (String.valueOf(e.getMessage()).contains("beyond retention policy")) {
                throw new StoreException(where(settings) + " refused readings as older than retention policy "
                        + retentionPolicy + " keeps, although the collector's clock placed them inside it: the "
                        + "clocks of the collector and InfluxDB differ by more than an hour. Set both by NTP; the "
                        + "same write is tried again", e);
            }
            throw failure(settings, "Writing " + points + " points to", e);
        }
    }

    void ping() {
        Pong pong;
        try {
            pong = client.ping();
        } catch (RuntimeException e) {
            throw failure(settings, "Pinging", e);
        }
        if (!pong.isGood()) {
            throw new StoreException(settings.url() + " answered /ping, but not as InfluxDB does (it sent no "
                    + "X-Influxdb-Version header): check that the InfluxDB URL points at InfluxDB", null);
        }
    }

    @Override
    public void close() {
        senders.shutdownNow();
        client.close();
    }

    private static String where(InfluxSettings settings) {
        return "InfluxDB at " + settings.url() + " (database " + settings.database() + ")";
    }

    private static StoreException failure(InfluxSettings settings, String doing, RuntimeException e) {
        String what = doing + " " + where(settings) + " failed: ";
        if (e instanceof InfluxDBIOException) {
            String reason = e.getCause() == null ? e.getMessage() : e.getCause().toString();
            return new StoreException(what + reason + ". Check that InfluxDB is running and reachable at "
                    + settings.url() + "; the same call can be retried as it is", e);
        }
        if (e instanceof InfluxDBException.AuthorizationFailedException) {
            return new StoreException(what + e.getMessage() + ". Check the InfluxDB username and password, and "
                    + "that the user may read and write database " + settings.database(), e);
        }
        if (e instanceof InfluxDBException.DatabaseNotFoundException) {
            return new StoreException(what + e.getMessage() + ". The database was dropped while Steward ran: "
                    + "restart the collector, which creates it again", e);
        }
        return new StoreException(what + e.getMessage() + ". See InfluxDB's log for the reason", e);
    }
}
