package coop.steward.collector.ingest;

import java.nio.charset.StandardCharsets;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** A device's backlog: messages of one soil reading each, a second apart from an hour ago, all QoS 1 at once. */
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
}
