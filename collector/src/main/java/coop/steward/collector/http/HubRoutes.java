package coop.steward.collector.http;

import coop.steward.collector.hub.HubSites;
import coop.steward.protocol.ForwardReport;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.util.TreeMap;

/**
 * {@code GET /api/v1/hub/sites}, at a hub: every site that forwards to it, with its link's state, how far behind the
 * hub is (lag and backlog) and what the site shares; each person sees the sites they may view.
 */
final class HubRoutes {
    private final HubSites sites;
    private final Clock clock;

    HubRoutes(HubSites sites, Clock clock) {
        this.sites = sites;
        this.clock = clock;
    }

    void mount(Router router) {
        router.get("/api/v1/hub/sites").handler(ctx -> {
            JsonArray list = new JsonArray();
            for (HubSites.Site site : sites.sites(clock.millis())) {
                ForwardReport report = site.report();
                list.add(new JsonObject().put("site", site.site()).put("state", site.state())
                        .put("lastSeen", site.lastSeen()).put("lagSeconds", site.lagMs() / 1_000)
                        .put("backlog", report.backlog()).put("backlogMessages", report.messages())
                        .put("oldestWaiting", report.oldest()).put("catchUpPerSecond", report.catchUp())
                        .put("share", report.share()).put("devices", new JsonObject(new TreeMap<>(report.devices())))
                        .put("openAlerts", report.openAlerts()));
            }
            ctx.json(Access.visible(ctx, list));
        });
    }
}
