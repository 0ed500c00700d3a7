package coop.steward.collector.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import coop.steward.collector.store.DeviceReadings;
import coop.steward.collector.store.ReadingStore;
import coop.steward.collector.store.SeriesKey;
import coop.steward.collector.store.SeriesQuery;
import coop.steward.collector.store.SqliteReadingStore;
import coop.steward.collector.store.StoreException;
import coop.steward.protocol.DecodedReadings;
import coop.steward.protocol.Reading;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchWriterTest {
    private final Vertx vertx = Vertx.vertx();
    private final List<Delivery> acknowledged = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        vertx.close().await();
    }

    @Test
    void aStoreThatFailsWithAnError_isRetried_andNothingIsAcknowledgedUntilItWorks() throws Exception {
        ReadingStore store = mock(ReadingStore.class);
        when(store.write(any(), any())).thenThrow(new OutOfMemoryError("simulated")).thenReturn(1L);
        Context ingest = vertx.getOrCreateContext();
        BatchWriter writer = new BatchWriter(vertx, store, new SimpleMeterRegistry(), 1_000, acknowledged::addAll);
        try {
            Delivery delivery = delivery(7);
            ingest.runOnContext(v -> writer.submit(delivery));

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(acknowledged).containsExactly(delivery));
            assertThat(writer.lastError()).isNull();
        } finally {
            writer.close();
        }
    }

    @Test
    void theWriterGoesOn_whileTheIngestContextIsBusy_andHandsBatchesBackInOrder() throws Exception {
        List<Long> written = new CopyOnWriteArrayList<>();
        ReadingStore store = mock(ReadingStore.class);
        when(store.write(any(), any())).thenAnswer(call -> {
            List<DeviceReadings> batches = call.getArgument(0);
            batches.forEach(b -> b.readings().forEach(r -> written.add(r.t())));
            return (long) batches.size();
        });
        Context ingest = vertx.getOrCreateContext();
        BatchWriter writer = new BatchWriter(vertx, store, new SimpleMeterRegistry(), 1, acknowledged::addAll);
        CountDownLatch busy = new CountDownLatch(1);
        List<Delivery> deliveries = List.of(delivery(1), delivery(2), delivery(3), delivery(4), delivery(5));
        try {
            // Decoding a burst keeps the ingest context busy: the writer must not wait for it between batches.
            ingest.runOnContext(v -> {
                deliveries.forEach(writer::submit);
                try {
                    busy.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });

            await().atMost(Duration.ofSeconds(10)).until(() -> written.size() == deliveries.size());
            assertThat(acknowledged).isEmpty();
            // Committed, not yet acknowledged: the ingest context must not take the intake for drained.
            assertThat(writer.pending()).isEqualTo(deliveries.size());
            busy.countDown();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(acknowledged).containsExactlyElementsOf(deliveries));
            assertThat(written).isSorted();
        } finally {
            busy.countDown();
            writer.close();
        }
    }

    @Test
    void aBatchBuiltAhead_isSentOnlyOnceTheWriteBeforeItIsStored_andAcknowledgedAfterIt() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        Map<Long, CompletableFuture<Long>> stored = new ConcurrentHashMap<>();
        ReadingStore store = mock(ReadingStore.class);
        CountDownLatch bothQueued = new CountDownLatch(1);
        when(store.prepare(any(), any())).thenAnswer(call -> {
            bothQueued.await(10, TimeUnit.SECONDS); // so that the second is there when the first is on its way
            long t = firstTime(call.getArgument(0));
            events.add("built " + t);
            return Optional.of((ReadingStore.Prepared) () -> {
                events.add("sent " + t);
                return () -> stored.computeIfAbsent(t, k -> new CompletableFuture<>()).join();
            });
        });
        BatchWriter writer = new BatchWriter(vertx, store, new SimpleMeterRegistry(), 1, acknowledged::addAll);
        List<Delivery> deliveries = List.of(delivery(1), delivery(2));
        try {
            submitAll(writer, deliveries, bothQueued);

            await().atMost(Duration.ofSeconds(10)).until(() -> events.contains("built " + time(2)));
            assertThat(events).containsExactly("built " + time(1), "sent " + time(1), "built " + time(2));
            stored.computeIfAbsent(time(1), k -> new CompletableFuture<>()).complete(1L);
            await().atMost(Duration.ofSeconds(10)).until(() -> events.contains("sent " + time(2)));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(acknowledged).containsExactly(deliveries.get(0)));
            stored.computeIfAbsent(time(2), k -> new CompletableFuture<>()).complete(1L);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(acknowledged).containsExactlyElementsOf(deliveries));
        } finally {
            stored.values().forEach(f -> f.complete(0L));
            writer.close();
        }
    }

    @Test
    void aWriteOnItsWayThatFails_isWrittenAgainWithTheBatchBuiltAheadOfIt_andNeitherIsAcknowledgedBefore()
            throws Exception {
        CountDownLatch bothQueued = new CountDownLatch(1);
        CompletableFuture<Long> firstStored = new CompletableFuture<>();
        List<List<Long>> rewritten = new CopyOnWriteArrayList<>();
        ReadingStore store = mock(ReadingStore.class);
        when(store.prepare(any(), any())).thenAnswer(call -> {
            bothQueued.await(10, TimeUnit.SECONDS); // so that the second is there when the first is on its way
            return Optional.of((ReadingStore.Prepared) () -> firstStored::join);
        });
        when(store.write(any(), any())).thenAnswer(call -> {
            List<DeviceReadings> batches = call.getArgument(0);
            rewritten.add(batches.stream().flatMap(b -> b.readings().stream()).map(Reading::t).toList());
            return (long) batches.size();
        });
        BatchWriter writer = new BatchWriter(vertx, store, new SimpleMeterRegistry(), 1, acknowledged::addAll);
        List<Delivery> deliveries = List.of(delivery(1), delivery(2));
        try {
            submitAll(writer, deliveries, bothQueued);
            firstStored.completeExceptionally(new StoreException("InfluxDB went away", null));

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(acknowledged).containsExactlyElementsOf(deliveries));
            assertThat(rewritten).containsExactly(List.of(time(1), time(2)));
        } finally {
            writer.close();
        }
    }

    @Test
    void aFailureAfterAWriteOnItsWayIsStored_isRetriedLikeAnyOther_andTheWriterGoesOn() throws Exception {
        ReadingStore store = mock(ReadingStore.class);
        when(store.prepare(any(), any())).thenReturn(Optional.of((ReadingStore.Prepared) () -> () -> 1L));
        doThrow(new StoreException("recomputing roll-ups failed", null)).doNothing().when(store).settle();
        when(store.write(any(), any())).thenReturn(1L);
        BatchWriter writer = new BatchWriter(vertx, store, new SimpleMeterRegistry(), 1_000, acknowledged::addAll);
        List<Delivery> deliveries = List.of(delivery(1), delivery(2));
        try {
            submitAll(writer, deliveries.subList(0, 1), new CountDownLatch(1));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(acknowledged).containsExactly(deliveries.get(0)));

            submitAll(writer, deliveries.subList(1, 2), new CountDownLatch(1));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(acknowledged).containsExactlyElementsOf(deliveries));
            assertThat(writer.lastError()).isNull();
        } finally {
            writer.close();
        }
    }

    @Test
    void anErrorWhileBuildingAhead_letsTheWriteOnItsWayEnd_thenWritesItAgainWithTheBatch() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        CountDownLatch bothQueued = new CountDownLatch(1);
        AtomicInteger builds = new AtomicInteger();
        ReadingStore store = mock(ReadingStore.class);
        when(store.prepare(any(), any())).thenAnswer(call -> {
            bothQueued.await(10, TimeUnit.SECONDS);
            if (builds.incrementAndGet() == 2) {
                throw new OutOfMemoryError("simulated");
            }
            return Optional.of((ReadingStore.Prepared) () -> () -> {
                events.add("first ended");
                return 1L;
            });
        });
        when(store.write(any(), any())).thenAnswer(call -> {
            List<DeviceReadings> batches = call.getArgument(0);
            events.add("written again: " + batches.stream().flatMap(b -> b.readings().stream()).map(Reading::t)
                    .toList());
            return 2L;
        });
        BatchWriter writer = new BatchWriter(vertx, store, new SimpleMeterRegistry(), 1, acknowledged::addAll);
        List<Delivery> deliveries = List.of(delivery(1), delivery(2));
        try {
            submitAll(writer, deliveries, bothQueued);

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(acknowledged).containsExactlyElementsOf(deliveries));
            assertThat(events).containsExactly("first ended", "written again: " + List.of(time(1), time(2)));
        } finally {
            writer.close();
        }
    }

    @Test
    void withTheEmbeddedStore_eachMessageOfABurstIsAcknowledgedInOrder_onlyOnceItIsStored(@TempDir Path dir)
            throws Exception {
        SeriesKey soil = new SeriesKey("food-forest", "bed-1", "soil-a");
        List<Delivery> unstoredWhenAcknowledged = new CopyOnWriteArrayList<>();
        List<Delivery> deliveries = new ArrayList<>();
        for (int message = 0; message < 40; message++) {
            deliveries.add(thousandReadings(message));
        }
        CountDownLatch writesMayStart = new CountDownLatch(1);
        try (SqliteReadingStore store = SqliteReadingStore.open(dir)) {
            // Transactions of up to 5,000 readings, each message read back from the store as it is acknowledged.
            BatchWriter writer = new BatchWriter(vertx, new StalledStore(store, writesMayStart),
                    new SimpleMeterRegistry(), 5_000, batch -> {
                        for (Delivery d : batch) {
                            long last = d.readings().readings().get(999).t();
                            if (store.query(SeriesQuery.raw(soil, last, last + 1, 1)).t().length != 1) {
                                unstoredWhenAcknowledged.add(d);
                            }
                        }
                        acknowledged.addAll(batch);
                    });
            try {
                submitAll(writer, deliveries, new CountDownLatch(1));
                Thread.sleep(200); // time enough for a writer that acknowledged early to do so

                assertThat(acknowledged).as("acknowledged while the store held the first write").isEmpty();
                writesMayStart.countDown();
                await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() == deliveries.size());
                assertThat(acknowledged).containsExactlyElementsOf(deliveries);
                assertThat(unstoredWhenAcknowledged).isEmpty();
                assertThat(store.query(SeriesQuery.raw(soil, time(0), time(0) + 40_000, 50_000)).t())
                        .hasSize(40_000);
            } finally {
                writesMayStart.countDown();
                writer.close();
            }
        }
    }

    /** Submits on an ingest context, then opens {@code queued}: a store that waits for it sees them all queued. */
    private void submitAll(BatchWriter writer, List<Delivery> deliveries, CountDownLatch queued) {
        vertx.getOrCreateContext().runOnContext(v -> {
            deliveries.forEach(writer::submit);
            queued.countDown();
        });
    }

    private static long time(int messageId) {
        return 1_764_000_000_000L + messageId;
    }

    private static long firstTime(List<DeviceReadings> batches) {
        return batches.get(0).readings().get(0).t();
    }

    /** A message of 1,000 readings of one sensor, a millisecond apart, after those of the message before. */
    private static Delivery thousandReadings(int message) {
        List<Reading> readings = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            readings.add(new Reading("soil-a", "soil_moisture", time(0) + message * 1_000L + i, i % 100, "%"));
        }
        DecodedReadings decoded = new DecodedReadings("food-forest", "bed-1", OptionalLong.of(message), readings,
                List.of());
        return new Delivery("steward/v1/food-forest/bed-1/readings", BrokerLink.Ack.NONE, 20_000,
                1_764_000_000_000L, decoded, null, null);
    }

    private static Delivery delivery(int messageId) {
        DecodedReadings readings = new DecodedReadings("food-forest", "bed-1", OptionalLong.of(messageId),
                List.of(new Reading("soil-a", "soil_moisture", time(messageId), 30, "%")), List.of());
        return new Delivery("steward/v1/food-forest/bed-1/readings", BrokerLink.Ack.NONE, 100, 1_764_000_000_000L,
                readings, null, null);
    }
}
