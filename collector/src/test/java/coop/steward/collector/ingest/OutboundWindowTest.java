package coop.steward.collector.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import coop.steward.testsupport.MosquittoBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The collector's own messages (agents' acks, relays) on a real Mosquitto that stops answering for a moment: sends
 * past the window of unacknowledged messages are refused, and once the broker acknowledges again they go out again.
 * The window is counted by the link itself, so that a refusal, normal here, logs nothing (the client logged an error
 * for each); a count that drifted would refuse every ack for good.
 */
class OutboundWindowTest {
    private static final int WINDOW = 10_000;

    @TempDir
    Path tmp;
    private MosquittoBroker broker;
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void stop() throws Exception {
        if (broker != null) {
            broker.thaw();
        }
        vertx.close().await(10, TimeUnit.SECONDS);
        broker.close();
    }

    @Test
    void sendsPastTheWindow_areRefusedWhileTheBrokerDoesNotAcknowledge_andGoOutAgainOnceItDoes() throws Exception {
        broker = MosquittoBroker.start(tmp.resolve("mosquitto"), "max_queued_messages 100000");
        MqttClient agent = new MqttClient(broker.url(), "agent", new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(false);
        agent.connect(options);
        AtomicInteger acks = new AtomicInteger();
        agent.subscribe("steward/v1/site/bed-1/readings/ack", 1, (topic, message) -> acks.incrementAndGet());
        Context context = vertx.getOrCreateContext();
        BrokerLink link = OnContext.call(context, () -> {
            BrokerLink l = new BrokerLink(vertx, new IngestSettings(broker.url(), "collector", null, null, 1_000,
                    20_000), List.of("steward/v1/+/+/readings"), new SimpleMeterRegistry(), message -> { });
            l.start();
            return l;
        });
        await().atMost(Duration.ofSeconds(10)).until(link::isReady);

        ListAppender<ILoggingEvent> errors = new ListAppender<>();
        errors.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(errors);
        broker.freeze();
        int sent = OnContext.call(context, () -> {
            int n = 0;
            while (n <= WINDOW && link.send("steward/v1/site/bed-1/readings/ack", ack(n))) {
                n++;
            }
            return n;
        });
        broker.thaw();
        root.detachAppender(errors);

        assertThat(sent).as("sends taken while nothing was acknowledged").isEqualTo(WINDOW);
        assertThat(errors.list).as("a refused send is no error")
                .noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.ERROR));
        await().atMost(Duration.ofSeconds(20)).until(() -> acks.get() == WINDOW);
        await().atMost(Duration.ofSeconds(10)).until(() -> OnContext.call(context,
                () -> link.send("steward/v1/site/bed-1/readings/ack", ack(WINDOW))));
        await().atMost(Duration.ofSeconds(10)).until(() -> acks.get() == WINDOW + 1);
        assertThat(link.isReady()).as("the link stayed up").isTrue();
        agent.disconnectForcibly(1_000);
        agent.close();
    }

    private static byte[] ack(int n) {
        return ("{\"seq\":" + n + "}").getBytes(StandardCharsets.UTF_8);
    }

}
