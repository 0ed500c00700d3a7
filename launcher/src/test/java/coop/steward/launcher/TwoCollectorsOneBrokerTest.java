package coop.steward.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import coop.steward.collector.CollectorSettings;
import coop.steward.collector.ingest.CollectorId;
import coop.steward.collector.ingest.IngestSettings;
import coop.steward.protocol.ProtocolJson;
import coop.steward.protocol.Reading;
import coop.steward.protocol.ReadingsMessage;
import coop.steward.testsupport.MosquittoBroker;
import coop.steward.testsupport.RawMqtt;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two collectors on one broker, each started on its own data folder as bin/steward collector starts it: with one
 * fixed client id, each connection pushed the other off the broker, over and over.
 */
class TwoCollectorsOneBrokerTest {
    @TempDir
    Path tmp;

    @Test
    void twoCollectorsOnOneBroker_bothStayConnected_andBothStoreWhatDevicesSend() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.start(tmp.resolve("mosquitto"));
             RunningCollector first = collector(broker, tmp.resolve("first"));
             RunningCollector second = collector(broker, tmp.resolve("second"))) {
            long t0 = System.currentTimeMillis() - 60_000;
            for (int i = 0; i < 5; i++) {
                byte[] payload = ProtocolJson.encode(ReadingsMessage.of("bed-1", i,
                        List.of(new Reading("soil-a", "soil_moisture", t0 + i * 1_000L, 30 + i, "%"))));
                assertThat(RawMqtt.publish(broker.port(), "steward/v1/food-forest/bed-1/readings", payload))
                        .isEqualTo(RawMqtt.Outcome.ACKNOWLEDGED);
                Thread.sleep(500); // a taken-over session shows within a reconnect or two
            }

            for (RunningCollector collector : List.of(first, second)) {
                await().atMost(Duration.ofSeconds(15)).until(() ->
                        collector.storedCount("food-forest", "bed-1", "soil-a") == 5);
                assertThat(collector.metric("steward_mqtt_connection_losses_total")).isZero();
                assertThat(collector.metric("steward_mqtt_connects_total")).isEqualTo(1);
            }
        }
    }

    private static RunningCollector collector(MosquittoBroker broker, Path data) throws Exception {
        IngestSettings ingest = new IngestSettings(broker.url(), CollectorId.of(data), null, null, 1_000, 20_000);
        RunningCollector collector = RunningCollector.start(new CollectorSettings(ingest, "127.0.0.1", 0, data));
        await().atMost(Duration.ofSeconds(15)).until(() -> collector.metric("steward_mqtt_connects_total") >= 1);
        return collector;
    }
}
