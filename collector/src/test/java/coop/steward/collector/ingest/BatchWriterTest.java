package coop.steward.collector.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import coop.steward.collector.store.ReadingStore;
import coop.steward.protocol.DecodedReadings;
import coop.steward.protocol.Reading;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

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

    private static Delivery delivery(int messageId) {
        DecodedReadings readings = new DecodedReadings("food-forest", "bed-1", OptionalLong.of(messageId),
                List.of(new Reading("soil-a", "soil_moisture", 1_764_000_000_000L, 30, "%")), List.of());
        return new Delivery("steward/v1/food-forest/bed-1/readings", BrokerLink.Ack.NONE, 100, 1_764_000_000_000L,
                readings, null, null);
    }
}
