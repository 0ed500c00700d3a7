package coop.steward.collector.http;

import coop.steward.collector.config.ArrayConfig;
import coop.steward.collector.config.RuleConfig;
import coop.steward.collector.site.Sites;
import coop.steward.collector.store.ReadingStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** {@code GET /api/v1/sites}: every site known, with its time zone, solar arrays and threshold rules. */
final class SiteRoutes {
    private final ReadingStore store;
    private final Sites sites;
    private final Blocking blocking;

    SiteRoutes(ReadingStore store, Sites sites, Blocking blocking) {
        this.store = store;
        this.sites = sites;
        this.blocking = blocking;
    }

    void mount(Router router) {
        router.get("/api/v1/sites").handler(ctx -> blocking.json(ctx, () -> Access.visible(ctx, (JsonArray) list())));
    }

    private Object list() {
        JsonArray list = new JsonArray();
        for (String site : sites.known(store.devices(), store.sensors())) {
            JsonArray arrays = new JsonArray();
            for (ArrayConfig array : sites.arrays(site)) {
                arrays.add(new JsonObject().put("device", array.device()).put("sensor", array.sensor())
                        .put("peakPowerW", array.peakPowerW()).put("facing", array.facing()));
            }
            JsonArray thresholds = new JsonArray();
            sites.thresholds(site).forEach(rule -> thresholds.add(threshold(rule)));
            list.add(new JsonObject().put("site", site).put("zone", sites.zone(site).getId()).put("arrays", arrays)
                    .put("thresholds", thresholds));
        }
        return list;
    }

    private static JsonObject threshold(RuleConfig.Threshold rule) {
        return new JsonObject().put("rule", rule.id()).put("severity", rule.basics().severity().code())
                .put("kind", rule.kind()).put(rule.below() ? "below" : "above", rule.limit())
                .put("hysteresis", rule.hysteresis())
                .put("devices", sorted(rule.basics().target().devices()))
                .put("sensors", sorted(rule.basics().target().sensors()));
    }

    private static JsonArray sorted(Set<String> ids) {
        return new JsonArray(List.copyOf(new TreeSet<>(ids)));
    }
}
