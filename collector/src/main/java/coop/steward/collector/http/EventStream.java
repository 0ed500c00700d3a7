package coop.steward.collector.http;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code GET /api/v1/stream}: Server-Sent Events relayed from the event bus, one set of consumers per client. An
 * event's body is a JSON object, or JSON text already written.
 */
final class EventStream {
    private static final long HEARTBEAT_MS = 15_000;
    private static final String DROPPABLE = "reading";

    private final Vertx vertx;
    private final Map<String, String> eventNames;
    private final Supplier<Runnable> clientJoins;

    /**
     * @param eventNames the SSE event name of each event-bus address relayed
     * @param clientJoins told of each client as it connects; what it returns is run when the client leaves
     */
    EventStream(Vertx vertx, Map<String, String> eventNames, Supplier<Runnable> clientJoins) {
        this.vertx = vertx;
        this.eventNames = Map.copyOf(eventNames);
        this.clientJoins = clientJoins;
    }

    void handle(RoutingContext ctx) {
        HttpServerResponse response = ctx.response()
                .setChunked(true)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                // Never compressed: a compressor holds small events back until it has enough to send.
                .putHeader("Content-Encoding", "identity")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no");
        response.write(": connected\n\n");
        Runnable leaves = clientJoins.get();
        List<MessageConsumer<Object>> consumers = new ArrayList<>();
        eventNames.forEach((address, eventName) -> consumers.add(vertx.eventBus().consumer(address, message -> {
            // A slow client may miss reading events (the next one brings newer values), never alerts.
            if (!response.writeQueueFull() || !DROPPABLE.equals(eventName)) {
                Object body = message.body();
                String data = body instanceof JsonObject json ? json.encode() : String.valueOf(body);
                response.write("event: " + eventName + "\ndata: " + data + "\n\n");
            }
        })));
        // Comments keep proxies and browsers from closing an idle stream.
        long heartbeat = vertx.setPeriodic(HEARTBEAT_MS, id -> response.write(": heartbeat\n\n"));
        Runnable cleanUp = () -> {
            vertx.cancelTimer(heartbeat);
            consumers.forEach(MessageConsumer::unregister);
            leaves.run();
        };
        response.closeHandler(v -> cleanUp.run());
        if (response.closed()) {
            cleanUp.run(); // it left before the handler was set, which then never runs
        }
    }
}
