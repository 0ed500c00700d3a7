package coop.steward.collector.http;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /api/v1/stream}: Server-Sent Events relayed from the event bus, one consumer per client. */
final class EventStream {
    private static final long HEARTBEAT_MS = 15_000;

    private final Vertx vertx;
    private final String address;
    private final String eventName;

    EventStream(Vertx vertx, String address, String eventName) {
        this.vertx = vertx;
        this.address = address;
        this.eventName = eventName;
    }

    void handle(RoutingContext ctx) {
        HttpServerResponse response = ctx.response()
                .setChunked(true)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no");
        response.write(": connected\n\n");
        MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(address, message -> {
            if (!response.writeQueueFull()) {
                response.write("event: " + eventName + "\ndata: " + message.body().encode() + "\n\n");
            }
        });
        // Comments keep proxies and browsers from closing an idle stream.
        long heartbeat = vertx.setPeriodic(HEARTBEAT_MS, id -> response.write(": heartbeat\n\n"));
        response.closeHandler(v -> {
            vertx.cancelTimer(heartbeat);
            consumer.unregister();
        });
    }
}
