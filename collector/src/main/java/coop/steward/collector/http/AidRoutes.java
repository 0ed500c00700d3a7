package coop.steward.collector.http;

import coop.steward.collector.aid.MutualAid;
import coop.steward.collector.people.Person;
import coop.steward.collector.people.Role;
import coop.steward.protocol.Ids;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.NoSuchElementException;

/**
 * Mutual aid: {@code GET /api/v1/aid} lists this site's requests for help and its neighbours' (for anyone with a role
 * here), and {@code POST /api/v1/aid/{site}/{alert}/take} lets a steward here take a neighbour's request. A collector
 * that forwards to no hub, or whose config has no {@code help:}, lists nothing.
 */
final class AidRoutes {
    private final MutualAid aid;

    /** @param aid null where the collector neither asks for help nor offers it */
    AidRoutes(MutualAid aid) {
        this.aid = aid;
    }

    void mount(Router router) {
        router.get("/api/v1/aid").handler(ctx -> {
            Access.requireAnywhere(ctx, Role.VIEWER);
            if (aid == null) {
                Blocking.send(ctx, new JsonObject().put("ask", false).put("offer", false).put("asked", new JsonArray())
                        .put("offered", new JsonArray()));
                return;
            }
            aid.list().onComplete(ar -> {
                if (ar.failed()) {
                    ctx.fail(ar.cause());
                } else {
                    // A site's own requests are for those who may see its alerts; neighbours' for anyone here.
                    JsonObject list = ar.result();
                    Blocking.send(ctx, list.put("asked", Access.visible(ctx, list.getJsonArray("asked"))));
                }
            });
        });
        router.post("/api/v1/aid/:site/:alert/take").handler(this::take);
    }

    private void take(RoutingContext ctx) {
        String site = ctx.pathParam("site");
        String alert = ctx.pathParam("alert");
        if (!Ids.isValid(site) || !Ids.isValid(alert)) {
            throw ApiError.badRequest("site and alert must be ids (" + Ids.describeRule() + "), as GET /api/v1/aid "
                    + "lists them");
        }
        if (aid == null) {
            throw new ApiError(404, "this site offers no help: its collector must forward to a hub (--forward-to) "
                    + "and its config say help: {offer: true}");
        }
        Person person = Access.person(ctx);
        String as = aid.helperSite(own -> person.may(Role.STEWARD, own)).orElseThrow(() -> new ApiError(403,
                "you need the steward role at one of this collector's sites (listed under sites: in its config) to "
                        + "take a neighbour's request; an admin can give it with bin/steward user grant"));
        String name = person.name().isEmpty() ? "a steward" : person.name();
        aid.take(site, alert, name, as).onComplete(ar -> {
            if (ar.succeeded()) {
                Blocking.send(ctx, JsonObject.mapFrom(ar.result()).put("tookAs", as));
            } else if (ar.cause() instanceof NoSuchElementException e) {
                ctx.fail(new ApiError(404, e.getMessage()));
            } else if (ar.cause() instanceof IllegalStateException e) {
                ctx.fail(new ApiError(409, e.getMessage()));
            } else {
                ctx.fail(ar.cause());
            }
        });
    }
}
