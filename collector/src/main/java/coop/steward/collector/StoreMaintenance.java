package coop.steward.collector;

import coop.steward.collector.store.ReadingStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the store's retention and roll-up upkeep soon after start and then every hour, off the event loop, on a
 * worker of its own: one run at a time, and a run may take long (moving an InfluxDB database to a new layout)
 * without holding up the workers that answer requests.
 */
final class StoreMaintenance {
    private static final Logger LOG = LoggerFactory.getLogger(StoreMaintenance.class);
    private static final Duration FIRST = Duration.ofSeconds(30);
    private static final Duration EVERY = Duration.ofHours(1);

    private final Vertx vertx;
    private final ReadingStore store;
    private final Clock clock;
    private final WorkerExecutor worker;
    private final Timer duration;
    private final long first;
    private long periodic = -1;

    private StoreMaintenance(Vertx vertx, ReadingStore store, Clock clock, MeterRegistry registry) {
        this.vertx = vertx;
        this.store = store;
        this.clock = clock;
        // The first run after a start catches up on every hour the store has not rolled up: long, on a big store.
        this.duration = Timer.builder("steward.store.upkeep")
                .description("Time each run of the store's retention and roll-up upkeep took").register(registry);
        this.worker = vertx.createSharedWorkerExecutor("steward-store-upkeep", 1, 12, TimeUnit.HOURS);
        this.first = vertx.setTimer(FIRST.toMillis(), id -> {
            run();
            periodic = vertx.setPeriodic(EVERY.toMillis(), p -> run());
        });
    }

    static StoreMaintenance start(Vertx vertx, ReadingStore store, Clock clock, MeterRegistry registry) {
        return new StoreMaintenance(vertx, store, clock, registry);
    }

    private void run() {
        worker.executeBlocking(() -> {
            duration.record(() -> store.maintain(clock.millis()));
            return null;
        }, true).onFailure(e -> LOG.error("Store upkeep failed; it is tried again in an hour: {}", e.getMessage()));
    }

    void stop() {
        vertx.cancelTimer(first);
        if (periodic >= 0) {
            vertx.cancelTimer(periodic);
        }
        worker.close();
    }
}
