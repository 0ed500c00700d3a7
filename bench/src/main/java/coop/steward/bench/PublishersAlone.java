package coop.steward.bench;

import coop.steward.protocol.Topics;
import coop.steward.testsupport.MosquittoBroker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * What the harness's own publishers cost the machine: the standard load published to a Mosquitto of its own that
 * has no subscriber, while the harness's process does nothing else (its JIT compiler and garbage collector count,
 * as they do in the ingest runs). A site's devices run on machines of their own; here they share the collector's
 * cores, and the ingest rows' CPU includes them. The CPU is each process's user and system time, which leaves out
 * the kernel's interrupt work for the loopback traffic that the whole machine's count (/proc/stat) includes: if
 * anything, the publishers' share is understated.
 *
 * <p>Beside the harness's {@link BarePublisher}s, the same load from as many Paho 1.2.5 clients (what the harness
 * published with before, and what the agents use): the difference is what the harness's choice of publisher takes
 * from, or leaves to, what it measures.
 */
final class PublishersAlone {
    /** Core-seconds per million readings: the harness's process publishing, and Mosquitto taking what it sends. */
    record Cost(double publishers, double broker) {
    }

    private PublishersAlone() {
    }

    /** The harness's own publishers ({@link Load.Prepared#publish}). */
    static Cost measure(Path dir, Load load) throws Exception {
        try (MosquittoBroker broker = Bench.ingestBroker(dir)) {
            Load.Prepared payloads = load.prepare();
            return cost(broker, load, () -> payloads.publish(broker.url()));
        }
    }

    /** The same load from Paho 1.2.5 clients, one per device, each with at most 500 messages unacknowledged. */
    static Cost measurePaho(Path dir, Load load) throws Exception {
        try (MosquittoBroker broker = Bench.ingestBroker(dir)) {
            List<List<byte[]>> payloads = new ArrayList<>();
            for (int p = 0; p < load.publishers(); p++) {
                payloads.add(load.payloads(p));
            }
            return cost(broker, load, () -> Load.onThreads(payloads.size(), "bench-paho-publisher-", publisher ->
                    publishWithPaho(broker.url(), Topics.readings(Load.SITE, Load.device(publisher)),
                            payloads.get(publisher))));
        }
    }

    private interface Publish {
        void run() throws Exception;
    }

    private static Cost cost(MosquittoBroker broker, Load load, Publish publish) throws Exception {
        PartsCpu cpu = PartsCpu.start(Map.of("publishers", List.of(ProcessHandle.current().pid()),
                "broker", List.of(broker.pid())));
        publish.run();
        Map<String, Double> spent = cpu.stop();
        return new Cost(spent.get("publishers") * 1e6 / load.readings(), spent.get("broker") * 1e6 / load.readings());
    }

    private static void publishWithPaho(String brokerUrl, String topic, List<byte[]> payloads) throws Exception {
        int window = 500;
        MqttAsyncClient client = new MqttAsyncClient(brokerUrl, "bench-paho-" + System.nanoTime(),
                new MemoryPersistence());
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
            throw new IllegalStateException("the broker did not take " + topic + "'s messages within 120 s");
        }
        client.disconnect().waitForCompletion(5_000);
        client.close();
    }
}
