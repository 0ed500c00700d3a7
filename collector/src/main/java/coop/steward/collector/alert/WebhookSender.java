package coop.steward.collector.alert;

import coop.steward.collector.config.WebhookConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs every alert change to one webhook as JSON (the alert, plus {@code "event"}: raised, acknowledged, resolved
 * or reminder), one at a time and in order. A failure is retried with exponential back-off; while the webhook is
 * down changes queue up to {@code capacity} ({@link #CAPACITY} in production), then the oldest are dropped and
 * counted. Everything is asynchronous
 * on the alert engine's context: a slow or dead webhook never holds up ingest or the rules.
 */
final class WebhookSender implements Consumer<AlertChange> {
    static final int CAPACITY = 1_000;
    private static final Logger LOG = LoggerFactory.getLogger(WebhookSender.class);
    private static final long TIMEOUT_MS = 10_000;

    private final Vertx vertx;
    private final WebClient client;
    private final WebhookConfig hook;
    private final long firstRetryMs;
    private final long maxRetryMs;
    private final int capacity;
    private final ArrayDeque<JsonObject> queue = new ArrayDeque<>();
    private final Counter delivered;
    private final Counter failures;
    private final Counter dropped;
    private JsonObject inFlight;
    private long retryMs;
    private long retryTimer = -1;
    private boolean stopped;

    WebhookSender(Vertx vertx, WebClient client, WebhookConfig hook, MeterRegistry registry, long firstRetryMs,
                  long maxRetryMs, int capacity) {
        this.vertx = vertx;
        this.capacity = capacity;
        this.client = client;
        this.hook = hook;
        this.firstRetryMs = firstRetryMs;
        this.maxRetryMs = maxRetryMs;
        String name = hook.safeName();
        this.delivered = Counter.builder("steward.alert.webhook.delivered").tag("webhook", name)
                .description("Alert changes a webhook accepted").register(registry);
        this.failures = Counter.builder("steward.alert.webhook.failures").tag("webhook", name)
                .description("Failed webhook requests, each retried with back-off").register(registry);
        this.dropped = Counter.builder("steward.alert.webhook.dropped").tag("webhook", name)
                .description("Alert changes dropped, oldest first, while a webhook was down too long")
                .register(registry);
    }

    @Override
    public void accept(AlertChange change) {
        if (stopped) {
            return;
        }
        if (queue.size() >= capacity) {
            queue.removeFirst();
            dropped.increment();
        }
        queue.addLast(change.alert().toJson().put("event", change.kind().code()));
        send();
    }

    private void send() {
        if (inFlight != null || retryTimer >= 0 || queue.isEmpty() || stopped) {
            return;
        }
        inFlight = queue.removeFirst();
        HttpRequest<?> request = client.postAbs(hook.url().toString()).timeout(TIMEOUT_MS);
        hook.headers().forEach(request::putHeader);
        request.sendJsonObject(inFlight).onComplete(ar -> {
            JsonObject sent = inFlight;
            inFlight = null;
            if (ar.succeeded() && ar.result().statusCode() / 100 == 2) {
                delivered.increment();
                if (retryMs > 0) {
                    LOG.info("Webhook {} accepts alerts again", hook.safeName());
                }
                retryMs = 0;
                send();
                return;
            }
            failures.increment();
            String why = ar.succeeded() ? "HTTP " + ar.result().statusCode() : ar.cause().getMessage();
            if (retryMs == 0) {
                LOG.warn("Webhook {} failed ({}); retrying with back-off, alerts queue meanwhile", hook.safeName(), why);
            }
            if (queue.size() >= capacity) {
                dropped.increment();
            } else {
                queue.addFirst(sent);
            }
            retryMs = retryMs == 0 ? firstRetryMs : Math.min(maxRetryMs, retryMs * 2);
            retryTimer = vertx.setTimer(retryMs, id -> {
                retryTimer = -1;
                send();
            });
        });
    }

    void stop() {
        stopped = true;
        if (retryTimer >= 0) {
            vertx.cancelTimer(retryTimer);
        }
    }
}
