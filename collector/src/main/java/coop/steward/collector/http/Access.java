package coop.steward.collector.http;

import coop.steward.collector.people.PeopleStore;
import coop.steward.collector.people.Person;
import coop.steward.collector.people.Role;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;

/**
 * Who a request comes from, and whether they may make it. With accounts, every API request but the sign-in itself
 * names a person: by the session cookie the sign-in sets (HttpOnly, SameSite=Strict), or by an API token in
 * {@code Authorization: Bearer}. A request that changes something on the strength of a cookie must come from the
 * dashboard's own origin, so that no other web page a member visits can act in their name. Open, as the demo on
 * 127.0.0.1 is, everyone may do everything.
 */
public final class Access {
    public static final String COOKIE = "steward_session";
    private static final String PERSON = "steward.person";
    /** Who a request is from when no handler said: no one, with no role anywhere. */
    private static final Person NOBODY = new Person("", java.util.List.of());
    /** Every body the API takes is small: a sign-in, a command, an acknowledgement's note. */
    static final int MAX_BODY_BYTES = 16 * 1024;

    private final PeopleStore people;
    private final Blocking blocking;
    private final Clock clock;
    private final SignInThrottle throttle = new SignInThrottle();

    private Access(PeopleStore people, Blocking blocking, Clock clock) {
        this.people = people;
        this.blocking = blocking;
        this.clock = clock;
    }

    static Access open() {
        return new Access(null, null, Clock.systemUTC());
    }

    static Access accounts(PeopleStore people, Blocking blocking, Clock clock) {
        return new Access(people, blocking, clock);
    }

    boolean isOpen() {
        return people == null;
    }

    /** The person a request comes from; only after {@link #mount}'s handler let it through. */
    static Person person(RoutingContext ctx) {
        Person person = ctx.get(PERSON);
        return person == null ? NOBODY : person;
    }

    /** Refuses the request unless its person holds {@code role} at {@code site}. */
    static void require(RoutingContext ctx, Role role, String site) {
        if (!person(ctx).may(role, site)) {
            throw new ApiError(403, "you need the " + role.code() + " role at site '" + site + "' for this; "
                    + "an admin can give it with bin/steward user grant");
        }
    }

    /**
     * The entries of a list (devices, sites, alerts) at sites the person has a role at; device health only for
     * installers there. Lists are answered whole otherwise, so this is where a person's sites bound what they see.
     */
    static JsonArray visible(RoutingContext ctx, JsonArray list) {
        Person person = person(ctx);
        JsonArray seen = new JsonArray();
        for (Object entry : list) {
            JsonObject item = (JsonObject) entry;
            String site = item.getString("site");
            if (site != null && person.may(Role.VIEWER, site)) {
                if (item.containsKey("health") && !person.may(Role.INSTALLER, site)) {
                    item = item.copy();
                    item.remove("health");
                }
                seen.add(item);
            }
        }
        return seen;
    }

    /** Refuses the request unless the person holds {@code role} at some site. */
    static void requireAnywhere(RoutingContext ctx, Role role) {
        if (!person(ctx).mayAnywhere(role)) {
            throw new ApiError(403, "you need the " + role.code() + " role at some site for this; an admin can give "
                    + "it with bin/steward user grant");
        }
    }

    void mount(Router router) {
        router.route().handler(Access::securityHeaders);
        // Read before anything waits on a worker (the sign-in lookup): a body must be taken as it arrives.
        router.post("/api/*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
        router.put("/api/*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
        router.post("/api/v1/session").handler(this::signIn);
        router.route("/api/*").handler(this::identify);
        router.route("/metrics").handler(this::identify);
        router.get("/api/v1/session").handler(ctx -> Blocking.send(ctx, person(ctx).toJson()));
        router.delete("/api/v1/session").handler(this::signOut);
    }

    /** No inline script or style may run, no other site may frame the page, no type is guessed. */
    private static void securityHeaders(RoutingContext ctx) {
        ctx.response().headers()
                .set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; "
                        + "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
                        + "form-action 'self'; frame-ancestors 'none'")
                .set("X-Content-Type-Options", "nosniff")
                .set("X-Frame-Options", "DENY")
                .set("Referrer-Policy", "same-origin");
        ctx.next();
    }

    private void identify(RoutingContext ctx) {
        if (isOpen()) {
            // Open, no sign-in guards it: only the dashboard's own pages may change things, or any web page a
            // member visits could open a valve through their browser.
            if (changesSomething(ctx) && !sameOrigin(ctx)) {
                ctx.fail(new ApiError(403, "this request came from another web site (Origin "
                        + ctx.request().getHeader("Origin") + "); only the dashboard itself may change things"));
                return;
            }
            ctx.put(PERSON, Person.OPEN);
            ctx.next();
            return;
        }
        if (ctx.request().method() == HttpMethod.POST && ctx.request().path().equals("/api/v1/session")) {
            ctx.next();
            return;
        }
        String authorization = ctx.request().getHeader("Authorization");
        Cookie cookie = ctx.request().getCookie(COOKIE);
        if (authorization == null && cookie == null) {
            ctx.fail(new ApiError(401, "sign in first: POST /api/v1/session with your name and password, or send "
                    + "an API token as Authorization: Bearer (bin/steward user token)"));
            return;
        }
        if (authorization == null && changesSomething(ctx) && !sameOrigin(ctx)) {
            ctx.fail(new ApiError(403, "this request came from another web site (Origin "
                    + ctx.request().getHeader("Origin") + "); only the dashboard itself may change things with "
                    + "your sign-in"));
            return;
        }
        if (authorization != null && !authorization.startsWith("Bearer ")) {
            ctx.fail(new ApiError(401, "the Authorization header must be 'Bearer ' and an API token"));
            return;
        }
        String token = authorization == null ? null : authorization.substring("Bearer ".length()).strip();
        String session = cookie == null ? null : cookie.getValue();
        blocking.run(() -> token != null ? people.byToken(token) : people.bySession(session, clock.instant()))
                .onComplete(ar -> {
                    if (ar.failed()) {
                        ctx.fail(ar.cause());
                    } else if (ar.result().isEmpty()) {
                        ctx.fail(new ApiError(401, token != null ? "that API token is not known (removed, or "
                                + "mistyped); make a new one with bin/steward user token"
                                : "your sign-in has ended; sign in again"));
                    } else if (!mayRead(ctx, ar.result().get())) {
                        ctx.fail(new ApiError(403, "you have no role at the site this asks about; an admin can "
                                + "give you one with bin/steward user grant"));
                    } else {
                        ctx.put(PERSON, ar.result().get());
                        ctx.next();
                    }
                });
    }

    /** Every site the request names, in {@code site} or a batch's {@code series}, is one the person may see. */
    private static boolean mayRead(RoutingContext ctx, Person person) {
        for (String site : ctx.queryParam("site")) {
            if (!person.may(Role.VIEWER, site)) {
                return false;
            }
        }
        for (String series : ctx.queryParam("series")) {
            if (!person.may(Role.VIEWER, series.split("/", 2)[0])) {
                return false;
            }
        }
        return person.mayAnywhere(Role.VIEWER);
    }

    private void signIn(RoutingContext ctx) {
        if (isOpen()) {
            Blocking.send(ctx, Person.OPEN.toJson());
            return;
        }
        if (!sameOrigin(ctx)) {
            ctx.fail(new ApiError(403, "sign in from the dashboard's own page"));
            return;
        }
        String name;
        String password;
        try {
            JsonObject body = new JsonObject(ctx.body().asString() == null ? "" : ctx.body().asString());
            name = body.getString("name");
            password = body.getString("password");
        } catch (DecodeException | ClassCastException e) {
            ctx.fail(ApiError.badRequest("send {\"name\": ..., \"password\": ...} as JSON"));
            return;
        }
        if (name == null || password == null) {
            ctx.fail(ApiError.badRequest("send {\"name\": ..., \"password\": ...} as JSON"));
            return;
        }
        String address = ctx.request().remoteAddress() == null ? "" : ctx.request().remoteAddress().hostAddress();
        long wait = throttle.waitMs(name, address, clock.millis());
        if (wait > 0) {
            long minutes = (wait + 59_999) / 60_000;
            ctx.response().putHeader("Retry-After", Long.toString((wait + 999) / 1000));
            ctx.fail(new ApiError(429, "too many wrong passwords; try again in " + minutes + " minute"
                    + (minutes == 1 ? "" : "s")));
            return;
        }
        // Counted before the hash, so that attempts sent in parallel count too; a success takes it back.
        throttle.failed(name, address, clock.millis());
        blocking.run(() -> people.signIn(name, password).map(person ->
                        new SignedIn(person, people.newSession(person.name(), clock.instant()))))
                .onComplete(ar -> {
                    if (ar.failed()) {
                        ctx.fail(ar.cause());
                        return;
                    }
                    if (ar.result().isEmpty()) {
                        ctx.fail(new ApiError(401, "that name and password do not match"));
                        return;
                    }
                    throttle.succeeded(name, address);
                    SignedIn signedIn = ar.result().get();
                    ctx.response().addCookie(cookie(ctx, signedIn.session(), PeopleStore.SESSION.toSeconds()));
                    Blocking.send(ctx, signedIn.person().toJson());
                });
    }

    private record SignedIn(Person person, String session) {
    }

    private void signOut(RoutingContext ctx) {
        Cookie cookie = ctx.request().getCookie(COOKIE);
        if (isOpen() || cookie == null) {
            ctx.response().setStatusCode(204).end();
            return;
        }
        blocking.run(() -> {
            people.endSession(cookie.getValue());
            return null;
        }).onComplete(ar -> {
            ctx.response().addCookie(cookie(ctx, "", 0)).setStatusCode(204).end();
        });
    }

    private static Cookie cookie(RoutingContext ctx, String value, long maxAgeSeconds) {
        boolean tls = ctx.request().isSSL() || "https".equals(ctx.request().getHeader("X-Forwarded-Proto"));
        return Cookie.cookie(COOKIE, value).setPath("/").setHttpOnly(true).setSameSite(CookieSameSite.STRICT)
                .setSecure(tls).setMaxAge(maxAgeSeconds);
    }

    private static boolean changesSomething(RoutingContext ctx) {
        HttpMethod method = ctx.request().method();
        return method != HttpMethod.GET && method != HttpMethod.HEAD && method != HttpMethod.OPTIONS;
    }

    /** The Origin header names this very host: the dashboard, not another site. A missing one is not enough. */
    private static boolean sameOrigin(RoutingContext ctx) {
        String origin = ctx.request().getHeader("Origin");
        HostAndPort authority = ctx.request().authority();
        if (origin == null || authority == null) {
            return false;
        }
        try {
            URI uri = new URI(origin);
            if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                return false;
            }
            int port = uri.getPort() >= 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
            // Behind a TLS proxy the browser's origin is https on 443 while the request reaching us is plain.
            boolean tls = ctx.request().isSSL() || "https".equals(ctx.request().getHeader("X-Forwarded-Proto"));
            int ours = authority.port() >= 0 ? authority.port() : tls ? 443 : 80;
            return uri.getHost().equalsIgnoreCase(authority.host()) && port == ours;
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
