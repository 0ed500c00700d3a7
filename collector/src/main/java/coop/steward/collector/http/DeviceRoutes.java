package coop.steward.collector.http;

import coop.steward.collector.presence.DeviceHealth;
import coop.steward.collector.presence.HealthReports;
import coop.steward.collector.presence.Presence;
import coop.steward.collector.store.DeviceStatus;
import coop.steward.collector.store.ReadingStore;
import coop.steward.collector.store.SensorSummary;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /api/v1/devices}: every device, its state, each sensor's latest value, and the health its latest
 * status reported since the collector started.
 */
final class DeviceRoutes {
    private final ReadingStore store;
    private final Presence presence;
    private final HealthReports health;
    private final Clock clock;
    private final Blocking blocking;

    DeviceRoutes(ReadingStore store, Presence presence, HealthReports health, Clock clock, Blocking blocking) {
        this.store = store;
        this.presence = presence;
        this.health = health;
        this.clock = clock;
        this.blocking = blocking;
    }

    void mount(Router router) {
        router.get("/api/v1/devices").handler(ctx -> blocking.json(ctx,
                () -> Access.visible(ctx, (JsonArray) devices())));
    }

    private Object devices() {
        List<DeviceStatus> devices = store.devices();
        List<SensorSummary> sensors = store.sensors();
        long now = clock.millis();
        Map<String, JsonObject> byDevice = new LinkedHashMap<>();
        for (DeviceStatus d : devices) {
            byDevice.put(d.site() + "/" + d.device(), new JsonObject()
                    .put("site", d.site()).put("device", d.device()).put("state", presence.state(d, now))
                    .put("lastSeen", d.lastSeen()).put("sensors", new JsonArray())
                    .put("health", health(d.site(), d.device())));
        }
        for (SensorSummary s : sensors) {
            JsonObject device = byDevice.computeIfAbsent(s.key().site() + "/" + s.key().device(), k -> new JsonObject()
                    .put("site", s.key().site()).put("device", s.key().device()).put("state", DeviceStatus.UNKNOWN)
                    .putNull("lastSeen").put("sensors", new JsonArray())
                    .put("health", health(s.key().site(), s.key().device())));
            JsonObject last = s.last() == null ? null
                    : new JsonObject().put("t", s.last().t()).put("value", s.last().value());
            device.getJsonArray("sensors").add(new JsonObject().put("sensor", s.key().sensor()).put("kind", s.kind())
                    .put("unit", s.unit()).put("last", last));
        }
        return new JsonArray(List.copyOf(byDevice.values()));
    }

    private JsonObject health(String site, String device) {
        DeviceHealth h = health.latest(site, device);
        if (h == null) {
            return null;
        }
        JsonObject faults = new JsonObject();
        new TreeMap<>(h.faults()).forEach(faults::put);
        return new JsonObject().put("agent", h.agent()).put("uptimeS", h.uptimeS()).put("outbox", h.outbox())
                .put("dropped", h.dropped()).put("uncorrectable", h.uncorrectable()).put("clockSynced", h.clockSynced())
                .put("faults", faults).put("config", h.config()).put("t", h.t());
    }
}
