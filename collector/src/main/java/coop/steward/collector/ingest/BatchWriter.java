package coop.steward.collector.ingest;

import coop.steward.collector.store.DeviceReadings;
import coop.steward.collector.store.DeviceStatus;
import coop.steward.collector.store.ReadingStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit on a thread of its own (SQLite has one writer): deliveries queue up while one transaction commits,
 * and the next transaction takes all of them. What follows a commit (acknowledgements, events, alert rules) runs on
 * an event loop while the next transaction is already being written. When the store fails, the same batch is
 * retried with back-off and nothing is acknowledged; the bounded queue then blocks the MQTT client's thread, so the
 * broker keeps what the collector cannot take yet.
 */
final class BatchWriter {
    private static final Logger LOG = LoggerFactory.getLogger(BatchWriter.class);
    private static final long MAX_BACKOFF_MS = 5_000;

    private final Vertx vertx;
    private final ReadingStore store;
    private final Consumer<List<Delivery>> onCommitted;
    private final int maxReadingsPerTransaction;
    /** Messages received and not yet through {@link #onCommitted}: what the collector holds that the broker resends. */
    private final Semaphore room;
    private final LinkedBlockingQueue<Delivery> queue = new LinkedBlockingQueue<>();
    private final Counter stored;
    private final Counter duplicates;
    private final Counter failures;
    private final Timer commitTime;
    private final Thread thread;
    private final CountDownLatch started = new CountDownLatch(1);
    private volatile Context context;
    private volatile String lastError;
    private volatile boolean closed;

    BatchWriter(Vertx vertx, ReadingStore store, MeterRegistry registry, int maxPendingMessages,
                int maxReadingsPerTransaction, Consumer<List<Delivery>> onCommitted) {
        this.vertx = vertx;
        this.store = store;
        this.onCommitted = onCommitted;
        this.maxReadingsPerTransaction = maxReadingsPerTransaction;
        this.room = new Semaphore(maxPendingMessages);
        this.stored = Counter.builder("steward.readings.stored").description("Readings newly stored")
                .register(registry);
        this.duplicates = Counter.builder("steward.readings.duplicate")
                .description("Readings whose identity was already stored (replays), kept once").register(registry);
        this.failures = Counter.builder("steward.store.write.failures")
                .description("Failed store transactions, retried with back-off").register(registry);
        this.commitTime = Timer.builder("steward.store.commit").description("Time to commit one batch")
                .register(registry);
        Gauge.builder("steward.ingest.pending.messages", () -> maxPendingMessages - room.availablePermits())
                .description("MQTT messages received but not yet committed and acknowledged").register(registry);
        this.thread = new Thread(this::run, "steward-store-writer");
        thread.setDaemon(true);
        thread.start();
        awaitStart();
    }

    /** Blocks the caller (the MQTT client's thread, never an event loop) while the queue is full. */
    void submit(Delivery delivery) throws InterruptedException {
        room.acquire();
        queue.add(delivery);
    }

    /** The reason the last write failed, or null while writes succeed. */
    String lastError() {
        return lastError;
    }

    private void awaitStart() {
        try {
            started.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        // Called here, off every Vert.x thread, it gives this writer an event-loop context of its own, whatever
        // context built the collector: post-commit work runs there, in commit order.
        context = vertx.getOrCreateContext();
        started.countDown();
        List<Delivery> batch = List.of();
        long backoffMs = 0;
        while (!closed) {
            try {
                if (batch.isEmpty()) {
                    batch = next();
                }
                commit(batch);
            } catch (InterruptedException e) {
                break;
            } catch (RuntimeException | Error e) {
                // Errors too (out of memory, a native library failing): a writer thread that died would stall
                // ingest for good with nothing said; retried, the failure shows on /health.
                backoffMs = backoffMs == 0 ? 100 : Math.min(MAX_BACKOFF_MS, backoffMs * 2);
                failures.increment();
                String error = e.getMessage() == null ? e.toString() : e.getMessage();
                if (!error.equals(lastError)) {
                    LOG.error("Store write failed, retrying in {} ms; nothing is acknowledged until it succeeds: {}",
                            backoffMs, error, e instanceof Error ? e : null);
                }
                lastError = error;
                if (!pause(backoffMs)) {
                    break;
                }
                continue;
            }
            backoffMs = 0;
            lastError = null;
            List<Delivery> committed = batch;
            batch = List.of();
            handOver(committed);
        }
    }

    private void handOver(List<Delivery> committed) {
        try {
            context.runOnContext(v -> afterCommit(committed));
        } catch (RuntimeException e) {
            // Vert.x is closing: these are stored; unacknowledged, the broker resends them and the store keeps one.
            room.release(committed.size());
        }
    }

    private void afterCommit(List<Delivery> batch) {
        try {
            onCommitted.accept(batch);
        } catch (RuntimeException e) {
            LOG.error("Handling {} committed messages failed; they are stored, and their senders will resend what "
                    + "was not acknowledged", batch.size(), e);
        } finally {
            room.release(batch.size());
        }
    }

    /** Waits for the first delivery, then takes whatever else is queued, up to a transaction's worth. */
    private List<Delivery> next() throws InterruptedException {
        Delivery first = queue.take();
        List<Delivery> batch = new ArrayList<>();
        batch.add(first);
        int readings = first.readingCount();
        Delivery next;
        while (readings < maxReadingsPerTransaction && (next = queue.poll()) != null) {
            batch.add(next);
            readings += next.readingCount();
        }
        return batch;
    }

    private void commit(List<Delivery> batch) {
        List<DeviceReadings> readings = new ArrayList<>();
        List<DeviceStatus> statuses = new ArrayList<>();
        int total = 0;
        for (Delivery d : batch) {
            if (d.readings() != null && !d.readings().readings().isEmpty()) {
                readings.add(new DeviceReadings(d.readings().site(), d.readings().device(), d.readings().readings(),
                        d.receivedAt()));
                total += d.readingCount();
            }
            if (d.status() != null) {
                statuses.add(d.status());
            }
        }
        if (readings.isEmpty() && statuses.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        long inserted = store.write(readings, statuses);
        commitTime.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        stored.increment(inserted);
        duplicates.increment(total - inserted);
    }

    private static boolean pause(long ms) {
        try {
            Thread.sleep(ms);
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    /**
     * Stops after the transaction being written, if any; what is still queued is neither stored nor acknowledged,
     * so the broker delivers it again.
     */
    void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
