package coop.steward.collector.http;

import coop.steward.collector.people.Grant;
import coop.steward.collector.people.Role;
import coop.steward.collector.settings.ConfigEditor;
import coop.steward.config.ConfigError;
import coop.steward.config.ConfigException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * The collector config file for admins of every site: {@code GET /api/v1/settings}, {@code POST
 * /api/v1/settings/check} and {@code POST /api/v1/settings} (save and apply). The config covers every site, so
 * only an admin of every site may read or change it.
 */
final class SettingsRoutes {
    private final ConfigEditor editor;

    SettingsRoutes(ConfigEditor editor) {
        this.editor = editor;
    }

    void mount(Router router) {
        router.get("/api/v1/settings").handler(this::read);
        router.post("/api/v1/settings/check").handler(this::check);
        router.post("/api/v1/settings").handler(this::save);
    }

    private void read(RoutingContext ctx) {
        if (!allowed(ctx)) {
            return;
        }
        editor.read().onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
                return;
            }
            ConfigEditor.Current current = ar.result();
            Blocking.send(ctx, new JsonObject().put("editable", editor.editable())
                    .put("file", current.file() == null ? null : current.file().toString())
                    .put("yaml", current.yaml()).put("version", current.version()));
        });
    }

    private void check(RoutingContext ctx) {
        JsonObject body = body(ctx);
        if (body == null || !allowed(ctx)) {
            return;
        }
        editor.check(body.getString("yaml")).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
                return;
            }
            Blocking.send(ctx, new JsonObject().put("problems", problems(ar.result())));
        });
    }

    private void save(RoutingContext ctx) {
        JsonObject body = body(ctx);
        if (body == null || !allowed(ctx)) {
            return;
        }
        if (!(body.getValue("version") instanceof String version)) {
            ctx.fail(ApiError.badRequest("version must be the text GET /api/v1/settings gave with the file, so that "
                    + "nobody overwrites another's change unseen"));
            return;
        }
        editor.save(body.getString("yaml"), version).onComplete(ar -> {
            if (ar.succeeded()) {
                ConfigEditor.Saved saved = ar.result();
                Blocking.send(ctx, new JsonObject().put("version", saved.version())
                        .put("now", new JsonArray(saved.now())).put("atRestart", new JsonArray(saved.atRestart())));
            } else if (ar.cause() instanceof ConfigException e) {
                int count = e.errors().size();
                ctx.response().setStatusCode(400).putHeader("Content-Type", "application/json")
                        .end(new JsonObject().put("error", "the config has " + count + " problem" + (count == 1 ? ""
                                : "s") + "; nothing was saved").put("problems", problems(e.errors())).encode());
            } else if (ar.cause() instanceof IllegalStateException e) {
                ctx.fail(new ApiError(409, e.getMessage()));
            } else {
                ctx.fail(ar.cause());
            }
        });
    }

    private static boolean allowed(RoutingContext ctx) {
        if (!Access.person(ctx).may(Role.ADMIN, Grant.EVERY_SITE)) {
            ctx.fail(new ApiError(403, "the collector's settings cover every site, so only an admin of every site "
                    + "may see or change them; one can give that role with bin/steward user grant NAME --role "
                    + "admin"));
            return false;
        }
        return true;
    }

    /** The request's {@code {"yaml": "..."}}, or null once the request is refused. */
    private static JsonObject body(RoutingContext ctx) {
        JsonObject body;
        try {
            body = ctx.body().asJsonObject();
        } catch (DecodeException | ClassCastException e) {
            body = null;
        }
        if (body == null || !(body.getValue("yaml") instanceof String)) {
            ctx.fail(ApiError.badRequest("send the config as JSON: {\"yaml\": \"alerts:\\n  defaults: [devices]\\n\"}"
                    + " (and, to save, the version GET /api/v1/settings gave)"));
            return null;
        }
        return body;
    }

    private static JsonArray problems(List<ConfigError> errors) {
        JsonArray problems = new JsonArray();
        errors.forEach(e -> problems.add(new JsonObject().put("line", e.line()).put("field", e.field())
                .put("message", e.message())));
        return problems;
    }
}
