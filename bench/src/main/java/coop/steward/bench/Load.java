package coop.steward.bench;

import coop.steward.protocol.ProtocolJson;
import coop.steward.protocol.Reading;
import coop.steward.protocol.ReadingsMessage;
import coop.steward.protocol.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * The standard load: {@code messages} QoS 1 readings messages of {@code perMessage} readings, published by
 * {@code publishers} parallel clients, each a device of site "bench". Every reading has its own identity.
 */
final class Load {
    static final String SITE = "bench";
    private static final int SENSORS = 10;

    private final int publishers;
    private final int messages;
    private final int perMessage;
    private final long t0;

    Load(int publishers, int messages, int perMessage, long t0) {
        this.publishers = publishers;
        this.messages = messages;
        this.perMessage = perMessage;
        this.t0 = t0;
    }

    int publishers() {
        return publishers;
    }

    int messagesOf(int publisher) {
        return messages / publishers + (publisher < messages % publishers ? 1 : 0);
    }

    long readings() {
        return (long) messages * perMessage;
    }

    /**
     * The same load again, its times after this one's (and on a whole hour), so that none of its readings repeats
     * an identity of this one.
     */
    Load next() {
        long span = (long) messagesOf(0) * 1000 * (perMessage / SENSORS + 1);
        long hour = 3_600_000L;
        return new Load(publishers, messages, perMessage, t0 + (span / hour + 1) * hour);
    }

    static String device(int publisher) {
        return "dev-" + publisher;
    }

    private List<byte[]> payloads(int publisher) {
        List<byte[]> payloads = new ArrayList<>();
        for (int m = 0; m < messagesOf(publisher); m++) {
            payloads.add(ProtocolJson.encode(ReadingsMessage.of(device(publisher), m, readings(m))));
        }
        return payloads;
    }

    /** Readings of message {@code m}: each sensor gets distinct times, one second apart per message. */
    List<Reading> readings(int m) {
        List<Reading> readings = new ArrayList<>(perMessage);
        for (int i = 0; i < perMessage; i++) {
            long t = t0 + (long) m * 1000 * (perMessage / SENSORS + 1) + (i / SENSORS) * 1000L;
            readings.add(new Reading("s" + (i % SENSORS), "soil_moisture", t, (m + i) % 100, "%"));
        }
        return readings;
    }

    /** Every publisher's payloads, encoded before the clock starts: a run times publishing, not encoding. */
    Prepared prepare() {
        List<List<byte[]>> payloads = new ArrayList<>();
        for (int p = 0; p < publishers; p++) {
            payloads.add(payloads(p));
        }
        return new Prepared(payloads);
    }

    /** A load ready to publish, one list of payloads per publisher. */
    record Prepared(List<List<byte[]>> payloads) {
        /** Publishes everything from a thread per publisher; returns when the broker has taken all of it. */
        void publish(String brokerUrl) throws Exception {
            List<Thread> threads = new ArrayList<>();
            List<Exception> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
            for (int p = 0; p < payloads.size(); p++) {
                int publisher = p;
                Thread thread = new Thread(() -> {
                    try {
                        publishAll(brokerUrl, publisher, payloads.get(publisher));
                    } catch (Exception e) {
                        failures.add(e);
                    }
                }, "bench-publisher-" + p);
                threads.add(thread);
            }
            threads.forEach(Thread::start);
            for (Thread thread : threads) {
                thread.join();
            }
            if (!failures.isEmpty()) {
                throw failures.get(0);
            }
        }
    }

    private static void publishAll(String brokerUrl, int publisher, List<byte[]> payloads) throws Exception {
        publish(brokerUrl, "bench-pub-" + publisher + "-" + System.nanoTime(), Topics.readings(SITE,
                device(publisher)), payloads, 500);
    }

    /** Publishes the payloads on one topic, QoS 1, with at most {@code window} in flight; returns once all are taken. */
    static void publish(String brokerUrl, String clientId, String topic, List<byte[]> payloads, int window)
            throws Exception {
        MqttAsyncClient client = new MqttAsyncClient(brokerUrl, clientId, new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMaxInflight(1000);
        client.connect(options).waitForCompletion(10_000);
        Semaphore free = new Semaphore(window);
        IMqttActionListener release = new IMqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {
                free.release();
            }

            @Override
            public void onFailure(IMqttToken token, Throwable e) {
                free.release();
            }
        };
        for (byte[] payload : payloads) {
            free.acquire();
            client.publish(topic, payload, 1, false, null, release);
        }
        if (!free.tryAcquire(window, 120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the broker did not take " + clientId + "'s messages within 120 s");
        }
        client.disconnect().waitForCompletion(5_000);
        client.close();
    }
}
