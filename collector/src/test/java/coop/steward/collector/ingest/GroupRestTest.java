package coop.steward.collector.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import coop.steward.testsupport.MosquittoBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two members of a hub group on a real Mosquitto, sharing one subscription: one falls behind and rests. It stays
 * connected and a member, the other takes every new message meanwhile, what the broker had already given the resting
 * one still reaches it, and once it has caught up it takes its share again. Nothing is lost, nothing sent twice.
 */
class GroupRestTest {
    private static final String SHARED = "$share/g/steward/v1/+/+/readings";
    private static final String MEMBERS = "steward/hub/v1/g/members/";

    @TempDir
    Path tmp;
    private MosquittoBroker broker;
    private final Vertx vertx = Vertx.vertx();
    private final Map<String, List<String>> taken = new ConcurrentHashMap<>();
    private final List<BrokerLink.Ack> held = new CopyOnWriteArrayList<>();
    private volatile boolean holding = true;

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
        broker.close();
    }

    @Test
    void aMemberThatFallsBehind_restsWithoutLeavingTheGroup_andTheOtherTakesItsShareMeanwhile() throws Exception {
        broker = MosquittoBroker.start(tmp.resolve("mosquitto"), "max_inflight_messages 10");
        Context slowContext = vertx.getOrCreateContext();
        BrokerLink slow = member("slow", slowContext, message -> {
            taken.computeIfAbsent("slow", k -> new CopyOnWriteArrayList<>()).add(text(message));
            if (holding) {
                held.add(message.ack()); // its store has stopped: nothing is acknowledged
            } else {
                message.ack().send();
            }
        });
        BrokerLink quick = member("quick", vertx.getOrCreateContext(), message -> {
            taken.computeIfAbsent("quick", k -> new CopyOnWriteArrayList<>()).add(text(message));
            message.ack().send();
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> slow.isReady() && quick.isReady());
        List<String> announcements = new CopyOnWriteArrayList<>();
        MqttClient watcher = client("watcher");
        watcher.subscribe(MEMBERS + "+", 1, (topic, m) -> announcements.add(topic + "=" + m.getPayload().length));
        MqttClient devices = client("devices");

        publish(devices, 0, 16); // within the broker's in-flight window of 10 for each
        await().atMost(Duration.ofSeconds(10)).until(() -> count("slow") > 0 && count("quick") + count("slow") == 16);
        int slowBefore = count("slow");
        OnContext.run(slowContext, () -> assertThat(slow.rest("its store stopped")).isTrue());
        Thread.sleep(500); // the unsubscription is made

        publish(devices, 16, 200);
        await().atMost(Duration.ofSeconds(20)).until(() -> count("quick") + count("slow") == 200);
        assertThat(count("slow")).as("the resting member took nothing new").isEqualTo(slowBefore);
        assertThat(slow.isReady()).as("still connected").isTrue();

        // Its store moves again: what it held is acknowledged, and after a moment it takes its share again.
        holding = false;
        OnContext.run(slowContext, () -> {
            held.forEach(BrokerLink.Ack::send);
            slow.drained();
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> !slow.isResting());
        Thread.sleep(500); // subscribed again
        publish(devices, 200, 300);
        await().atMost(Duration.ofSeconds(20)).until(() -> count("quick") + count("slow") == 300);
        assertThat(count("slow")).as("it takes its share again").isGreaterThan(slowBefore);

        List<String> all = new ArrayList<>(taken.get("slow"));
        all.addAll(taken.get("quick"));
        assertThat(all).as("every message once").hasSize(300).doesNotHaveDuplicates();
        assertThat(announcements).as("neither member ever left the group")
                .noneMatch(a -> a.endsWith("=0"))
                .contains(MEMBERS + "slow=" + "slow".length());
        devices.disconnect();
        watcher.disconnect();
    }

    private BrokerLink member(String id, Context context, Handler<BrokerLink.Message> inbound)
            throws Exception {
        BrokerLink[] link = new BrokerLink[1];
        OnContext.run(context, () -> {
            link[0] = new BrokerLink(vertx, new IngestSettings(broker.url(), id, null, null, 1_000, 20_000),
                    List.of(SHARED), new SimpleMeterRegistry(), inbound);
            link[0].announce(MEMBERS + id, id.getBytes(StandardCharsets.UTF_8));
            link[0].start();
        });
        return link[0];
    }

    private int count(String member) {
        return taken.getOrDefault(member, List.of()).size();
    }

    private static String text(BrokerLink.Message message) {
        return new String(message.payload(), StandardCharsets.UTF_8);
    }

    private MqttClient client(String id) throws Exception {
        MqttClient client = new MqttClient(broker.url(), id, new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMaxInflight(1_000);
        client.connect(options);
        return client;
    }

    private static void publish(MqttClient client, int from, int to) throws Exception {
        for (int i = from; i < to; i++) {
            client.publish("steward/v1/site/bed-" + (i % 10) + "/readings", ("message " + i)
                    .getBytes(StandardCharsets.UTF_8), 1, false);
        }
    }
}
