package coop.steward.collector.http;

import io.vertx.core.http.HttpConnection;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At most so many HTTP connections at once: past it a new connection's first request closes it unanswered, so
 * that a client opening connections by the hundred cannot take a Pi's memory and file handles from the people using
 * the dashboard. Counted at the first request, since Vert.x 5 tells of an HTTP/1.1 connection no sooner; one that
 * never asks anything is closed by the server's idle timeout.
 */
final class ConnectionLimit {
    /** A community's phones and laptops, each with a few connections, and Grafana, with room to spare. */
    static final int MAX_CONNECTIONS = 512;
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionLimit.class);

    private final int max;
    private final Set<HttpConnection> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger refused = new AtomicInteger();

    ConnectionLimit(int max) {
        this.max = max;
    }

    /** The router's first handler. */
    void handle(RoutingContext ctx) {
        HttpConnection connection = ctx.request().connection();
        if (connection == null || open.contains(connection)) {
            ctx.next();
            return;
        }
        if (open.size() >= max) {
            if (refused.getAndIncrement() % 1_000 == 0) {
                LOG.warn("{} HTTP connections are open, the most the collector keeps; closing new ones (from {})",
                        max, connection.remoteAddress());
            }
            connection.close();
            return;
        }
        open.add(connection);
        connection.closeHandler(v -> open.remove(connection));
        ctx.next();
    }
}
