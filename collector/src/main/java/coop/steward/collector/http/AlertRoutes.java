package coop.steward.collector.http;

import coop.steward.collector.alert.Alert;
import coop.steward.collector.alert.AlertState;
import coop.steward.collector.alert.Alerts;
import coop.steward.protocol.Ids;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** {@code GET /api/v1/alerts} and {@code POST /api/v1/alerts/{id}/ack}. */
final class AlertRoutes {
    private static final Map<String, Set<AlertState>> STATES = Map.of(
            "open", EnumSet.of(AlertState.OPEN),
            "acknowledged", EnumSet.of(AlertState.ACKNOWLEDGED),
            "resolved", EnumSet.of(AlertState.RESOLVED),
            "active", EnumSet.of(AlertState.OPEN, AlertState.ACKNOWLEDGED),
            "all", EnumSet.allOf(AlertState.class));

    private final Alerts alerts;

    AlertRoutes(Alerts alerts) {
        this.alerts = alerts;
    }

    void mount(Router router) {
        router.get("/api/v1/alerts").handler(this::list);
        router.post("/api/v1/alerts/:id/ack").handler(this::acknowledge);
    }

    private void list(RoutingContext ctx) {
        String state = ctx.queryParams().get("state");
        Set<AlertState> states = STATES.get(state == null ? "all" : state);
        if (states == null) {
            ctx.fail(ApiError.badRequest("state '" + state + "' is not one of open, acknowledged, resolved, active "
                    + "(open or acknowledged) and all"));
            return;
        }
        String site = ctx.queryParams().get("site");
        if (site != null && !Ids.isValid(site)) {
            ctx.fail(ApiError.badRequest("site '" + site + "' is not a valid id: " + Ids.describeRule()));
            return;
        }
        alerts.list(states, site).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
                return;
            }
            JsonArray body = new JsonArray();
            ar.result().forEach(alert -> body.add(alert.toJson()));
            ctx.response().putHeader("Content-Type", "application/json").end(body.encode());
        });
    }

    private void acknowledge(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        alerts.acknowledge(id).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
                return;
            }
            if (ar.result().isEmpty()) {
                ctx.fail(new ApiError(404, "no alert '" + id + "' among the active and recently resolved alerts; "
                        + "list them with GET /api/v1/alerts"));
                return;
            }
            Alert alert = ar.result().get();
            if (alert.state() == AlertState.RESOLVED) {
                ctx.fail(new ApiError(409, "alert '" + id + "' is already resolved; there is nothing to acknowledge"));
                return;
            }
            ctx.response().putHeader("Content-Type", "application/json").end(alert.toJson().encode());
        });
    }
}
