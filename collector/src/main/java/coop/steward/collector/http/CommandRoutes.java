package coop.steward.collector.http;

import coop.steward.collector.command.CommandLog;
import coop.steward.collector.command.CommandRecord;
import coop.steward.collector.command.Commands;
import coop.steward.collector.people.Role;
import coop.steward.config.ConfigException;
import coop.steward.config.DeviceConfig;
import coop.steward.config.DeviceConfigLoader;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * {@code POST /api/v1/commands}: a steward opens or closes a valve; the answer is the device's own. {@code GET
 * /api/v1/commands?site=&device=}: who sent what, when, and what came of it.
 */
final class CommandRoutes {
    private static final int MAX_LISTED = 50;
    /** The contract's longest opening is the actuator's maxOpenSeconds, at most a day; the device checks its own. */
    private static final int MAX_SECONDS = 86_400;

    private final Commands commands;
    private final CommandLog log;
    private final Blocking blocking;

    CommandRoutes(Commands commands, CommandLog log, Blocking blocking) {
        this.commands = commands;
        this.log = log;
        this.blocking = blocking;
    }

    void mount(Router router) {
        router.post("/api/v1/commands").handler(this::send);
        router.get("/api/v1/commands").handler(this::list);
        router.post("/api/v1/devices/:site/:device/config").handler(this::pushConfig);
    }

    /** An installer pushes a device config (YAML, in {@code {"config": ...}}), checked here first. */
    private void pushConfig(RoutingContext ctx) {
        String site;
        String device;
        String yaml;
        try {
            site = Params.checkedId("site", ctx.pathParam("site"));
            device = Params.checkedId("device", ctx.pathParam("device"));
            yaml = new JsonObject(ctx.body().asString() == null ? "" : ctx.body().asString()).getString("config");
        } catch (DecodeException | ClassCastException e) {
            ctx.fail(ApiError.badRequest("send the device config as JSON: {\"config\": \"site: ...\"}"));
            return;
        } catch (ApiError e) {
            ctx.fail(e);
            return;
        }
        Access.require(ctx, Role.INSTALLER, site);
        if (yaml == null || yaml.isBlank()) {
            ctx.fail(ApiError.badRequest("config is required: the device config (YAML) as the device should run it"));
            return;
        }
        DeviceConfig config;
        try {
            config = DeviceConfigLoader.parse(yaml, site + "/" + device);
        } catch (ConfigException e) {
            ctx.fail(ApiError.badRequest("the config has " + e.errors().size() + " problem"
                    + (e.errors().size() == 1 ? "" : "s") + ", nothing was sent: " + e.errors().stream()
                    .map(Object::toString).limit(10).collect(java.util.stream.Collectors.joining("; "))));
            return;
        }
        if (!config.site().equals(site) || !config.device().equals(device)) {
            ctx.fail(ApiError.badRequest("this config is for " + config.site() + "/" + config.device() + ", not "
                    + site + "/" + device + "; nothing was sent"));
            return;
        }
        commands.sendConfig(site, device, yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                Access.person(ctx).name()).onComplete(ar -> {
                    if (ar.failed()) {
                        ctx.fail(new ApiError(503, ar.cause().getMessage()));
                    } else {
                        Blocking.send(ctx, ar.result().toJson());
                    }
                });
    }

    private void send(RoutingContext ctx) {
        JsonObject body;
        try {
            body = new JsonObject(ctx.body().asString() == null ? "" : ctx.body().asString());
        } catch (DecodeException e) {
            ctx.fail(ApiError.badRequest("send the command as JSON: {\"site\", \"device\", \"actuator\", "
                    + "\"action\": \"open\" or \"close\", \"seconds\" for open}"));
            return;
        }
        String site;
        String device;
        String actuator;
        String action;
        Integer seconds;
        try {
            site = id(body, "site");
            device = id(body, "device");
            actuator = id(body, "actuator");
            action = body.getString("action");
            seconds = body.getInteger("seconds");
        } catch (ClassCastException e) {
            ctx.fail(ApiError.badRequest("site, device, actuator and action are text and seconds a whole number"));
            return;
        } catch (ApiError e) {
            ctx.fail(e);
            return;
        }
        if (coop.steward.protocol.Ids.ALERTS.equals(device)) {
            ctx.fail(ApiError.badRequest("'alerts' is not a device: steward/v1/{site}/alerts/ are the alerts' topics"));
            return;
        }
        if (!"open".equals(action) && !"close".equals(action)) {
            ctx.fail(ApiError.badRequest("action must be \"open\" or \"close\""));
            return;
        }
        if ("open".equals(action) && (seconds == null || seconds < 1 || seconds > MAX_SECONDS)) {
            ctx.fail(ApiError.badRequest("an open needs seconds, a whole number from 1 to " + MAX_SECONDS
                    + "; the device refuses more than its valve's maxOpenSeconds"));
            return;
        }
        Access.require(ctx, Role.STEWARD, site);
        commands.send(site, device, actuator, action, "open".equals(action) ? seconds : null,
                Access.person(ctx).name()).onComplete(ar -> {
                    if (ar.failed()) {
                        ctx.fail(new ApiError(503, ar.cause().getMessage()));
                    } else {
                        Blocking.send(ctx, ar.result().toJson());
                    }
                });
    }

    private void list(RoutingContext ctx) {
        String site;
        String device;
        try {
            site = Params.id(ctx.queryParams(), "site", "GET /api/v1/commands?site=food-forest&device=bed-1");
            device = Params.optionalId(ctx.queryParams(), "device");
        } catch (ApiError e) {
            ctx.fail(e);
            return;
        }
        blocking.json(ctx, () -> {
            List<CommandRecord> recent = log.recent(site, device, MAX_LISTED);
            JsonArray list = new JsonArray();
            recent.forEach(command -> list.add(command.toJson()));
            return list;
        });
    }

    private static String id(JsonObject body, String key) {
        String value = body.getString(key);
        if (value == null) {
            throw ApiError.badRequest(key + " is required");
        }
        return Params.checkedId(key, value);
    }
}
