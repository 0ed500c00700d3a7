package coop.steward.collector.http;

import coop.steward.collector.people.Grant;
import coop.steward.collector.people.Person;
import coop.steward.collector.people.Role;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * {@code GET /api/v1/stream}: Server-Sent Events relayed from the event bus, one set of consumers per client. An
 * event's body is a JSON object, or JSON text already written.
 */
final class EventStream {
    /**
     * Each client holds consumers, a timer and a connection, and every event is written once per client: a page
     * open in a hundred browsers at once is more than a community site has, and far from what hurts the collector.
     */
    static final int MAX_CLIENTS = 100;
    private static final long HEARTBEAT_MS = 15_000;
    private static final String DROPPABLE = "reading";

    private final Vertx vertx;
    private final Map<String, String> eventNames;
    private final Supplier<Runnable> clientJoins;
    private final AtomicInteger clients = new AtomicInteger();

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
        if (clients.incrementAndGet() > MAX_CLIENTS) {
            clients.decrementAndGet();
            ctx.fail(new ApiError(503, MAX_CLIENTS + " clients already follow the event stream, the most the "
                    + "collector serves at once; close a dashboard page elsewhere, or try again later"));
            return;
        }
        HttpServerResponse response = ctx.response()
                .setChunked(true)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                // Never compressed: a compressor holds small events back until it has enough to send.
                .putHeader("Content-Encoding", "identity")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no");
        response.write(": connected\n\n");
        Runnable leaves = clientJoins.get();
        Person person = Access.person(ctx);
        boolean everySite = person.may(Role.VIEWER, Grant.EVERY_SITE);
        List<MessageConsumer<Object>> consumers = new ArrayList<>();
        eventNames.forEach((address, eventName) -> consumers.add(vertx.eventBus().consumer(address, message -> {
            Object body = message.body();
            if (!everySite && !person.may(Role.VIEWER, siteOf(body))) {
                return; // a site they have no role at
            }
            // A slow client may miss reading events (the next one brings newer values), never alerts.
            if (!response.writeQueueFull() || !DROPPABLE.equals(eventName)) {
                String data = body instanceof JsonObject json ? json.encode() : String.valueOf(body);
                response.write("event: " + eventName + "\ndata: " + data + "\n\n");
            }
        })));
        // Comments keep proxies and browsers from closing an idle stream.
        long heartbeat = vertx.setPeriodic(HEARTBEAT_MS, id -> response.write(": heartbeat\n\n"));
        AtomicBoolean left = new AtomicBoolean();
        Runnable cleanUp = () -> {
            if (left.compareAndSet(false, true)) {
                vertx.cancelTimer(heartbeat);
                consumers.forEach(MessageConsumer::unregister);
                leaves.run();
                clients.decrementAndGet();
            }
        };
        response.closeHandler(v -> cleanUp.run());
        if (response.closed()) {
            cleanUp.run(); // it left before the handler was set, which then never runs
        }
    }

    /**
     * The site an event is about: an alert's {@code site}, or the first field of a reading event, which
     * {@code ReadingEvents} writes first (ids need no escaping).
     */
    static String siteOf(Object body) {
        if (body instanceof JsonObject json) {
            return json.getString("site", "");
        }
        String text = String.valueOf(body);
        String start = "{\"site\":\"";
        int end = text.startsWith(start) ? text.indexOf('"', start.length()) : -1;
        return end < 0 ? "" : text.substring(start.length(), end);
    }
}
