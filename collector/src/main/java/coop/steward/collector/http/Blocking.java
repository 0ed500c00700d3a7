package coop.steward.collector.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.Callable;

/**
 * Store work (JDBC, InfluxDB's HTTP API) for a request, on a worker and never on the event loop. A failure goes to
 * the router's failure handler, which answers the contract's {@code {"error": ...}}.
 */
final class Blocking {
    private final Vertx vertx;

    Blocking(Vertx vertx) {
        this.vertx = vertx;
    }

    /** Unordered: requests do not wait for each other. */
    <T> Future<T> run(Callable<T> work) {
        return vertx.executeBlocking(work, false);
    }

    /** Answers what {@code work} returns, a {@link JsonObject} or {@link JsonArray}, as JSON. */
    void json(RoutingContext ctx, Callable<Object> work) {
        run(work).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
                return;
            }
            send(ctx, ar.result());
        });
    }

    static void send(RoutingContext ctx, Object body) {
        String encoded = body instanceof JsonArray a ? a.encode() : ((JsonObject) body).encode();
        ctx.response().putHeader("Content-Type", "application/json").end(encoded);
    }
}
