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
import io.vertx.core.WorkerExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: deliveries queue up while one transaction commits, and the next transaction takes all of
 * them. Writes run on a single worker thread (SQLite has one writer), which takes the next batch itself as soon as
 * one is committed: were it handed each batch by the ingest context, it would wait for a turn there, behind the
 * decoding of every message that arrived meanwhile. A store that can (InfluxDB) has the next batch built while one is
 * on its way, and sends it once that one is stored: its answer is most of a transaction's time, and the building the
 * rest. When the store fails, the same batch (with the one built ahead) is retried with back-off
 * and nothing is acknowledged, so the broker keeps what the collector cannot take yet: it sends no more than its
 * in-flight window of unacknowledged messages. Submit on the ingest context; committed batches come back there, in
 * the order they were committed.
 */
final class BatchWriter {
    private static final Logger LOG = LoggerFactory.getLogger(BatchWriter.class);
    private static final long MAX_BACKOFF_MS = 5_000;
    /** A writer that always finds more gives its worker back this often, well within Vert.x's blocked-thread check. */
    private static final long MAX_RUN_NS = TimeUnit.SECONDS.toNanos(1);

    private final Vertx vertx;
    private final ReadingStore store;
    private final WorkerExecutor worker;
    private final Consumer<List<Delivery>> onCommitted;
    private final int maxReadingsPerTransaction;
    private final ConcurrentLinkedQueue<Delivery> queue = new ConcurrentLinkedQueue<>();
    /** Whether a run of the writer is under way or due (also during a failure's back-off); one at a time. */
    private final AtomicBoolean writing = new AtomicBoolean();
    /**
     * Received and not yet acknowledged: in the queue, in the transaction, or committed and waiting for the ingest
     * context; read by the metrics too.
     */
    private final AtomicInteger pending = new AtomicInteger();
    private final Counter stored;
    private final Counter duplicates;
    private final Counter failures;
    private final Timer commitTime;
    /** Where committed batches go back to: the context deliveries are submitted on. */
    private volatile Context ingest;
    /** Only the writer's runs touch these, one run after another. */
    private List<Delivery> retrying = List.of();
    private Underway underway;
    private long backoffMs;
    private volatile String lastError;
    private volatile boolean closed;

    BatchWriter(Vertx vertx, ReadingStore store, MeterRegistry registry, int maxReadingsPerTransaction,
                Consumer<List<Delivery>> onCommitted) {
        this.vertx = vertx;
        this.store = store;
        this.worker = vertx.createSharedWorkerExecutor("steward-store-writer", 1, 60, TimeUnit.SECONDS);
        this.onCommitted = onCommitted;
        this.maxReadingsPerTransaction = maxReadingsPerTransaction;
        this.stored = Counter.builder("steward.readings.stored").description("Readings newly stored")
                .register(registry);
        this.duplicates = Counter.builder("steward.readings.duplicate")
                .description("Readings whose identity was already stored (replays), kept once").register(registry);
        this.failures = Counter.builder("steward.store.write.failures")
                .description("Failed store transactions, retried with back-off").register(registry);
        this.commitTime = Timer.builder("steward.store.commit").description("Time to commit one batch")
                .register(registry);
        Gauge.builder("steward.ingest.pending.messages", pending, AtomicInteger::get)
                .description("MQTT messages received but not yet committed and acknowledged").register(registry);
    }

    void submit(Delivery delivery) {
        if (ingest == null) {
            ingest = vertx.getOrCreateContext();
        }
        pending.incrementAndGet();
        queue.add(delivery);
        if (writing.compareAndSet(false, true)) {
            startWriting();
        }
    }

    /** Messages received and not yet committed and acknowledged. */
    int pending() {
        return pending.get();
    }

    /** The reason the last write failed, or null while writes succeed. */
    String lastError() {
        return lastError;
    }

    private void startWriting() {
        worker.executeBlocking(this::writeWhileQueued, false).onFailure(e ->
                LOG.error("The store writer stopped unexpectedly; nothing it held was acknowledged", e));
    }

    /**
     * On the writer: commits batch after batch while deliveries wait, and hands each committed batch to the ingest
     * context. Where the store can, each batch is built while the one before it is being stored, and sent once that
     * one is ({@link ReadingStore#prepare}). Stops when the queue is empty, once closed, or on a failure, to try the
     * same deliveries again after a back-off.
     */
    private Void writeWhileQueued() {
        long until = System.nanoTime() + MAX_RUN_NS;
        while (!closed) {
            boolean retry = !retrying.isEmpty();
            List<Delivery> batch = retry ? retrying : drain();
            if (batch.isEmpty() && underway == null) {
                writing.set(false);
                // A delivery queued between the drain and now saw a run under way and started none: take it.
                if (queue.isEmpty() || !writing.compareAndSet(false, true)) {
                    return null;
                }
                continue;
            }
            Underway done = underway;
            underway = null;
            try {
                List<DeviceReadings> readings = readings(batch);
                List<DeviceStatus> statuses = statuses(batch);
                Optional<ReadingStore.Prepared> ahead = batch.isEmpty() || retry ? Optional.empty()
                        : buildAhead(readings, statuses);
                if (done != null) {
                    finish(done);
                    if (batch.isEmpty() && queue.isEmpty()) {
                        store.settle();
                    }
                    succeeded(done.batch());
                    done = null;
                }
                if (ahead.isPresent()) {
                    underway = new Underway(batch, System.nanoTime(), ahead.get().send());
                } else if (!batch.isEmpty()) {
                    commit(batch, readings, statuses);
                    succeeded(batch);
                }
            } catch (Throwable e) {
                // Nothing of it acknowledged: the write that was on its way goes again with this batch, in order
                // (what was built ahead counted on it, and is dropped unsent).
                List<Delivery> again = new ArrayList<>();
                if (done != null) {
                    awaitQuietly(done);
                    again.addAll(done.batch());
                }
                again.addAll(batch);
                failed(again, e);
                return null;
            }
            if (System.nanoTime() > until && !closed) {
                startWriting(); // still writing: the next run goes on where this one stops
                return null;
            }
        }
        return null;
    }

    /**
     * Lets a write on its way end before it is written again, whatever went wrong meanwhile: its requests, still
     * running, could otherwise land after the new ones and set a device's last contact back.
     */
    private static void awaitQuietly(Underway write) {
        try {
            write.pending().finish();
        } catch (Throwable ignored) {
            // its failure, if any, is the one being handled, or it is written again anyway
        }
    }

    /** The store's write of a batch, built while the one before it is on its way; empty if it builds none. */
    private Optional<ReadingStore.Prepared> buildAhead(List<DeviceReadings> readings, List<DeviceStatus> statuses) {
        try {
            return store.prepare(readings, statuses);
        } catch (RuntimeException e) {
            LOG.debug("Building a write ahead failed; the batch is written on its own", e);
            return Optional.empty();
        }
    }

    /** A write sent and not yet known to be stored, with the deliveries it holds. */
    private record Underway(List<Delivery> batch, long sentAt, ReadingStore.Pending pending) {
    }

    private void succeeded(List<Delivery> batch) {
        retrying = List.of();
        backoffMs = 0;
        lastError = null;
        ingest.runOnContext(v -> handOver(batch));
    }

    private void handOver(List<Delivery> batch) {
        // Here, not on the writer: until they are acknowledged they still count, and the ingest context takes none
        // for drained (every message taken is stored and acknowledged) while a committed batch waits for its turn.
        pending.addAndGet(-batch.size());
        try {
            onCommitted.accept(batch);
        } catch (RuntimeException e) {
            LOG.error("Handling {} committed messages failed; they are stored, and their senders will resend "
                    + "what was not acknowledged", batch.size(), e);
            // Left unacknowledged, as they are, without holding back the acknowledgements of the messages after them.
            batch.forEach(d -> d.ack().leave());
        }
    }

    /** Nothing of the batch is acknowledged: it is tried again, first of all, after a back-off. */
    private void failed(List<Delivery> batch, Throwable e) {
        retrying = batch;
        backoffMs = backoffMs == 0 ? 100 : Math.min(MAX_BACKOFF_MS, backoffMs * 2);
        failures.increment();
        String error = String.valueOf(e.getMessage());
        if (!error.equals(lastError)) {
            LOG.error("Store write failed, retrying in {} ms; nothing is acknowledged until it succeeds: {}",
                    backoffMs, error);
        }
        lastError = error;
        if (!closed) {
            vertx.setTimer(backoffMs, id -> startWriting());
        }
    }

    private List<Delivery> drain() {
        List<Delivery> batch = new ArrayList<>();
        int readings = 0;
        Delivery next;
        while (readings < maxReadingsPerTransaction && (next = queue.poll()) != null) {
            batch.add(next);
            readings += next.readingCount();
        }
        return batch;
    }

    private void commit(List<Delivery> batch, List<DeviceReadings> readings, List<DeviceStatus> statuses) {
        if (readings.isEmpty() && statuses.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        long inserted = store.write(readings, statuses);
        if (queue.isEmpty()) {
            store.settle(); // before the acknowledgement, as a write's own work would be
        }
        counted(batch, inserted, start);
    }

    private void finish(Underway write) {
        counted(write.batch(), write.pending().finish(), write.sentAt());
    }

    private void counted(List<Delivery> batch, long inserted, long start) {
        commitTime.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        stored.increment(inserted);
        duplicates.increment(batch.stream().mapToInt(Delivery::readingCount).sum() - inserted);
    }

    private static List<DeviceReadings> readings(List<Delivery> batch) {
        List<DeviceReadings> readings = new ArrayList<>();
        for (Delivery d : batch) {
            if (d.readings() != null && !d.readings().readings().isEmpty()) {
                readings.add(new DeviceReadings(d.readings().site(), d.readings().device(), d.readings().readings(),
                        d.receivedAt()));
            }
        }
        return readings;
    }

    private static List<DeviceStatus> statuses(List<Delivery> batch) {
        List<DeviceStatus> statuses = new ArrayList<>();
        for (Delivery d : batch) {
            if (d.status() != null) {
                statuses.add(d.status());
            }
        }
        return statuses;
    }

    /**
     * Writes no more batches. A transaction under way ends as it would; a write still on its way to the store is left
     * unacknowledged, and the broker sends its messages again.
     */
    void close() {
        closed = true;
        worker.close();
    }
}
