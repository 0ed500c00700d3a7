package coop.steward.collector.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import coop.steward.collector.config.Severity;
import coop.steward.collector.config.WebhookConfig;
import coop.steward.testsupport.FreePort;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WebhookSenderTest {
    private final Vertx vertx = Vertx.vertx();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private static AlertChange change(int n) {
        return new AlertChange(new Alert("a" + n, "soil-dry", Severity.WARNING, "food-forest", "bed-1", "soil-a",
                AlertState.OPEN, "dry", 18.0, 0, null, null, false, 0, null, null, null), AlertChange.Kind.RAISED);
    }

    private double counter(String name) {
        return registry.get(name).counter().count();
    }

    @Test
    void webhookThatIsDown_keepsABoundedQueue_droppingTheOldestAndCountingThem() {
        WebhookConfig hook = new WebhookConfig(URI.create("http://127.0.0.1:" + FreePort.find() + "/hook"), Map.of());
        WebClient client = WebClient.create(vertx);
        WebhookSender sender = new WebhookSender(vertx, client, hook, registry, 60_000, 60_000, 3);

        vertx.runOnContext(v -> {
            for (int i = 1; i <= 6; i++) {
                sender.accept(change(i)); // a1 goes out at once; a2..a6 queue, and only three fit
            }
        });

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(counter("steward.alert.webhook.failures")).isEqualTo(1);
            // a2 and a3 made room for a5 and a6; a1 failed with a full queue behind it.
            assertThat(counter("steward.alert.webhook.dropped")).isEqualTo(3);
        });
        assertThat(counter("steward.alert.webhook.delivered")).isZero();
        vertx.runOnContext(v -> sender.stop());
    }
}
