package coop.steward.collector.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import coop.steward.collector.store.ReadingStore;
import coop.steward.collector.store.SeriesQuery;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * A device's backlog: messages of one soil reading each, a second apart from an hour ago, all QoS 1 at once; and the
 * waits for a collector to take them and store them.
 */
final class OneReadingMessages {
    private OneReadingMessages() {
    }

    /** Publishes {@code messages} from device bed-1 of {@code site}; returns once the broker has them all. */
    static void publish(String brokerUrl, String clientId, String site, int messages) throws Exception {
        MqttClient publisher = new MqttClient(brokerUrl, clientId, new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMaxInflight(messages);
        publisher.connect(options);
        long t0 = System.currentTimeMillis() - 3_600_000L;
        for (int m = 0; m < messages; m++) {
            String json = "{\"v\": 1, \"device\": \"bed-1\", \"seq\": " + m + ", \"readings\": [{\"sensor\": "
                    + "\"soil-a\", \"kind\": \"soil_moisture\", \"t\": " + (t0 + m * 1_000L) + ", \"value\": 31.5}]}";
            publisher.publish("steward/v1/" + site + "/bed-1/readings", json.getBytes(StandardCharsets.UTF_8), 1,
                    false);
        }
        publisher.disconnect();
        publisher.close();
    }

    /** Waits until the collector has received all {@code messages} ({@code steward.messages.received}). */
    static void awaitReceived(MeterRegistry registry, int messages) {
        await().atMost(Duration.ofSeconds(20))
                .until(() -> registry.counter("steward.messages.received").count() == messages);
    }

    /** Waits until {@code store} holds the readings of all {@code messages}, of the one sensor they name. */
    static void awaitStored(ReadingStore store, int messages) {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(store.sensors()).singleElement()
                .satisfies(s -> assertThat(store.query(SeriesQuery.raw(s.key(), 0, Long.MAX_VALUE, 10_000)).t())
                        .hasSize(messages)));
    }
}
