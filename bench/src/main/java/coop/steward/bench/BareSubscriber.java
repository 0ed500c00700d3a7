package coop.steward.bench;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** The broker's own rate: a bare QoS 1 subscriber that only counts, as mosquitto_sub would. */
final class BareSubscriber {
    private BareSubscriber() {
    }

    /** Readings per second delivered to the subscriber, from the first publish to the last arrival. */
    static Timed rate(String brokerUrl, Load load) throws Exception {
        AtomicLong messages = new AtomicLong();
        long expected = load.readings() / perMessage(load);
        CountDownLatch all = new CountDownLatch(1);
        MqttClient subscriber = new MqttClient(brokerUrl, "bench-bare-sub-" + System.nanoTime(), new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMaxInflight(1000);
        subscriber.connect(options);
        subscriber.subscribe("steward/v1/+/+/readings", 1, (topic, message) -> {
            if (messages.incrementAndGet() == expected) {
                all.countDown();
            }
        });
        Load.Prepared payloads = load.prepare();
        Timed.Clock clock = Timed.start();
        payloads.publish(brokerUrl);
        if (!all.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the bare subscriber got " + messages.get() + " of " + expected
                    + " messages");
        }
        Timed timed = clock.stop(load.readings());
        subscriber.disconnect();
        subscriber.close();
        return timed;
    }

    private static long perMessage(Load load) {
        return load.readings(0).size();
    }
}
