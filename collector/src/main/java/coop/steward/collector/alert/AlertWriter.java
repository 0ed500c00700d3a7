package coop.steward.collector.alert;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Persists alert changes on a worker, never on the event loop: changes that come while a write runs are coalesced
 * (the latest state of each alert) into the next one. A failed write is retried with back-off; the alerts stay in
 * memory meanwhile. Runs on the alert engine's context.
 */
final class AlertWriter implements Consumer<AlertChange> {
    private static final Logger LOG = LoggerFactory.getLogger(AlertWriter.class);
    private static final long MAX_RETRY_MS = 60_000;

    private final Vertx vertx;
    private final AlertDb db;
    private final Map<String, Alert> pending = new LinkedHashMap<>();
    private final List<AlertEvent> pendingEvents = new ArrayList<>();
    private final List<Promise<Void>> drained = new ArrayList<>();
    private boolean writing;
    private long retryMs;

    AlertWriter(Vertx vertx, AlertDb db) {
        this.vertx = vertx;
        this.db = db;
    }

    @Override
    public void accept(AlertChange change) {
        if (change.kind() != AlertChange.Kind.REMINDER) {
            pending.put(change.alert().id(), change.alert());
            if (change.event() != null) {
                pendingEvents.add(change.event());
            }
            flush();
        }
    }

    /** A line of an alert's history that no change of the alert brought: who was told of it. */
    void record(AlertEvent event) {
        pendingEvents.add(event);
        flush();
    }

    private void flush() {
        if (writing) {
            return;
        }
        if (pending.isEmpty() && pendingEvents.isEmpty()) {
            drained.forEach(Promise::tryComplete);
            drained.clear();
            return;
        }
        List<Alert> batch = List.copyOf(pending.values());
        List<AlertEvent> events = List.copyOf(pendingEvents);
        pending.clear();
        pendingEvents.clear();
        writing = true;
        vertx.executeBlocking(() -> {
            db.write(batch, events);
            return null;
        }, true).onComplete(ar -> {
            writing = false;
            if (ar.succeeded()) {
                retryMs = 0;
                flush();
                return;
            }
            batch.forEach(alert -> pending.putIfAbsent(alert.id(), alert));
            pendingEvents.addAll(0, events);
            if (retryMs == 0) {
                LOG.error("Cannot save {} alert changes to {}; retrying with back-off: {}",
                        batch.size() + events.size(), AlertDb.FILE, ar.cause().getMessage());
            }
            retryMs = retryMs == 0 ? 500 : Math.min(MAX_RETRY_MS, retryMs * 2);
            vertx.setTimer(retryMs, id -> flush());
        });
    }

    /** Saves what rules remember across a restart, in order with the alert writes. */
    Future<Void> saveRuleStates(Map<String, String> states, long now) {
        if (states.isEmpty()) {
            return Future.succeededFuture();
        }
        return vertx.<Void>executeBlocking(() -> {
            db.saveRuleStates(states, now);
            return null;
        }, true).onFailure(e -> LOG.warn("Cannot save the alert rules' state to {}: {}", AlertDb.FILE,
                e.getMessage()));
    }

    /** Completes once everything handed over so far is written. */
    Future<Void> drain() {
        Promise<Void> promise = Promise.promise();
        drained.add(promise);
        flush();
        return promise.future();
    }
}
