package coop.steward.collector.http;

import coop.steward.collector.alert.Alert;
import coop.steward.collector.alert.AlertQuery;
import coop.steward.collector.alert.AlertState;
import coop.steward.collector.alert.Alerts;
import coop.steward.collector.config.Severity;
import coop.steward.collector.people.Role;
import io.vertx.core.MultiMap;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code GET /api/v1/alerts} with its filters, {@code GET /api/v1/alerts/{id}} with the alert's history, and
 * {@code POST /api/v1/alerts/{id}/ack} with an optional note.
 */
final class AlertRoutes {
    static final int MAX_NOTE = 500;
    /** A note of 500 characters is at most some 2 KB of JSON; this leaves room and refuses far more (413). */
    private static final Map<String, Set<AlertState>> STATES = Map.of(
            "open", EnumSet.of(AlertState.OPEN),
            "acknowledged", EnumSet.of(AlertState.ACKNOWLEDGED),
            "resolved", EnumSet.of(AlertState.RESOLVED),
            "active", EnumSet.of(AlertState.OPEN, AlertState.ACKNOWLEDGED),
            "all", EnumSet.allOf(AlertState.class));
    private static final String SEVERITIES = Arrays.stream(Severity.values()).map(Severity::code)
            .collect(Collectors.joining(", "));

    private final Alerts alerts;

    AlertRoutes(Alerts alerts) {
        this.alerts = alerts;
    }

    void mount(Router router) {
        router.get("/api/v1/alerts").handler(this::list);
        router.get("/api/v1/alerts/:id").handler(this::history);
        router.post("/api/v1/alerts/:id/ack").handler(this::acknowledge);
    }

    private void history(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        alerts.history(id).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
                return;
            }
            if (ar.result().isEmpty()) {
                ctx.fail(noSuchAlert(id, "list them with GET /api/v1/alerts"));
                return;
            }
            try {
                Access.require(ctx, Role.VIEWER, ar.result().get().alert().site());
            } catch (ApiError e) {
                ctx.fail(e);
                return;
            }
            Blocking.send(ctx, ar.result().get().toJson());
        });
    }

    private static ApiError noSuchAlert(String id, String what) {
        String shown = id.length() > 40 ? id.substring(0, 40) + "..." : id;
        return new ApiError(404, "no alert '" + shown + "'; " + what);
    }

    private void list(RoutingContext ctx) {
        AlertQuery query;
        try {
            query = query(ctx.queryParams());
        } catch (ApiError e) {
            ctx.fail(e);
            return;
        }
        alerts.list(query).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
                return;
            }
            JsonArray body = new JsonArray();
            ar.result().forEach(alert -> body.add(alert.toJson()));
            Blocking.send(ctx, Access.visible(ctx, body));
        });
    }

    private static AlertQuery query(MultiMap params) {
        String state = params.get("state");
        Set<AlertState> states = STATES.get(state == null ? "all" : state);
        if (states == null) {
            throw ApiError.badRequest("state '" + state + "' is not one of open, acknowledged, resolved, active "
                    + "(open or acknowledged) and all");
        }
        String site = Params.optionalId(params, "site");
        String device = Params.optionalId(params, "device");
        Set<Severity> severities = severities(params.get("severity"));
        Long from = params.contains("from") ? Params.time(params, "from") : null;
        Long to = params.contains("to") ? Params.time(params, "to") : null;
        if (from != null && to != null) {
            Params.ordered(from, to);
        }
        return new AlertQuery(states, site, device, severities, from, to);
    }

    /** A comma list such as warning,critical; every severity when left out. */
    private static Set<Severity> severities(String list) {
        if (list == null) {
            return EnumSet.allOf(Severity.class);
        }
        Set<Severity> severities = EnumSet.noneOf(Severity.class);
        for (String code : list.split(",", -1)) {
            Severity severity = Arrays.stream(Severity.values()).filter(s -> s.code().equals(code)).findFirst()
                    .orElseThrow(() -> ApiError.badRequest("severity '" + code + "' is not one of " + SEVERITIES
                            + "; give one or more, separated by commas: severity=warning,critical"));
            severities.add(severity);
        }
        return severities;
    }

    private void acknowledge(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        String note;
        try {
            note = note(ctx.body().asString());
        } catch (ApiError e) {
            ctx.fail(e);
            return;
        }
        alerts.find(id).compose(found -> {
            if (found.isPresent()) {
                Access.require(ctx, Role.STEWARD, found.get().site());
            }
            String by = Access.person(ctx).name();
            return alerts.acknowledge(id, note, by.isEmpty() ? null : by);
        }).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
                return;
            }
            if (ar.result().isEmpty()) {
                ctx.fail(noSuchAlert(id, "none among the active and recently resolved alerts has that id; list them "
                        + "with GET /api/v1/alerts"));
                return;
            }
            Alert alert = ar.result().get();
            if (alert.state() == AlertState.RESOLVED) {
                ctx.fail(new ApiError(409, "alert '" + id + "' is already resolved; there is nothing to acknowledge"));
                return;
            }
            Blocking.send(ctx, alert.toJson());
        });
    }

    /** The note of an acknowledgement's body: none for an empty body, or a blank note. */
    static String note(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        Object note;
        try {
            note = new JsonObject(body).getValue("note");
        } catch (DecodeException e) {
            throw ApiError.badRequest("the body is not a JSON object: send {\"note\": \"watered by hand\"}, or no "
                    + "body to acknowledge without a note");
        }
        if (note != null && !(note instanceof String)) {
            throw ApiError.badRequest("note must be text, e.g. {\"note\": \"watered by hand\"}");
        }
        String text = (String) note;
        if (text != null && text.codePointCount(0, text.length()) > MAX_NOTE) {
            throw ApiError.badRequest("the note has " + text.codePointCount(0, text.length()) + " characters; at "
                    + "most " + MAX_NOTE + " fit: shorten it");
        }
        return text == null || text.isBlank() ? null : text;
    }
}
