package coop.steward.collector.http;

import coop.steward.collector.people.Grant;
import coop.steward.collector.people.PeopleInput;
import coop.steward.collector.people.Person;
import coop.steward.collector.people.Role;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * People and their roles, for admins, as {@code bin/steward user} manages them from the shell. An admin of one site
 * sees the people with a role there (and only their roles there and at every site), and gives and takes roles there;
 * only an admin of every site sees everyone, adds and removes people, and gives roles at every site. The store keeps
 * at least one admin of every site.
 */
final class PeopleRoutes {
    private static final String ADD_USAGE = "{\"name\": \"ann\", \"password\": \"at least 10 characters\", "
            + "\"roles\": [{\"site\": \"food-forest\" or \"*\" (every site), \"role\": \"steward\"}]}";
    private static final String ROLE_USAGE = "{\"site\": \"food-forest\", \"role\": \"steward\"}";
    private static final String GRANT_USAGE = "{\"role\": \"viewer\", \"steward\", \"installer\" or \"admin\"}";
    /** More than any person needs; a bound on what one request can make the store write. */
    private static final int MAX_ROLES = 50;

    private final PeopleAnswers answers;

    PeopleRoutes(PeopleAnswers answers) {
        this.answers = answers;
    }

    void mount(Router router) {
        router.get("/api/v1/people").handler(this::list);
        router.post("/api/v1/people").handler(this::add);
        router.put("/api/v1/people/:name/roles/:site").handler(this::grant);
        router.delete("/api/v1/people/:name/roles/:site").handler(this::revoke);
        router.delete("/api/v1/people/:name").handler(this::remove);
    }

    private void list(RoutingContext ctx) {
        answers.store();
        Person me = Access.person(ctx);
        if (!me.mayAnywhere(Role.ADMIN)) {
            throw new ApiError(403, "only admins manage people; ask an admin of your site");
        }
        answers.json(ctx, 200, () -> {
            JsonArray list = new JsonArray();
            for (Person person : answers.store().list()) {
                Person seen = asSeenBy(me, person);
                if (everySiteAdmin(me) || !seen.grants().isEmpty()) {
                    list.add(toJson(seen));
                }
            }
            return list;
        });
    }

    private void add(RoutingContext ctx) {
        answers.store();
        requireEverySiteAdmin(ctx, "adds people; an admin of a site gives roles there to people who have an "
                + "account");
        JsonBody body = JsonBody.of(ctx, ADD_USAGE, Set.of("name", "password", "roles"));
        String name = name(body.requiredText("name"));
        String password = PeopleAnswers.checked(() -> PeopleInput.password(body.text("password")));
        List<Grant> grants = new ArrayList<>();
        for (JsonBody role : body.objects("roles", ROLE_USAGE, Set.of("site", "role"))) {
            grants.add(new Grant(PeopleAnswers.checked(() -> PeopleInput.grantSite("site", role.text("site"))),
                    PeopleAnswers.checked(() -> PeopleInput.role("role", role.text("role")))));
        }
        if (grants.isEmpty() || grants.size() > MAX_ROLES) {
            throw ApiError.badRequest("give them 1 to " + MAX_ROLES + " roles, e.g. \"roles\": [" + ROLE_USAGE
                    + "]; without one they could sign in but see nothing");
        }
        answers.json(ctx, 201, () -> {
            answers.store().add(name, password, grants);
            return toJson(answers.store().person(name).orElseThrow());
        });
    }

    private void grant(RoutingContext ctx) {
        answers.store();
        String site = siteAdministered(ctx);
        String name = name(ctx.pathParam("name"));
        String role = JsonBody.of(ctx, GRANT_USAGE, Set.of("role")).requiredText("role");
        Grant grant = new Grant(site, PeopleAnswers.checked(() -> PeopleInput.role("role", role)));
        Person me = Access.person(ctx);
        answers.json(ctx, 200, () -> {
            if (!answers.store().grant(name, grant)) {
                throw noOne(name);
            }
            return toJson(asSeenBy(me, answers.store().person(name).orElseThrow()));
        });
    }

    private void revoke(RoutingContext ctx) {
        answers.store();
        String site = siteAdministered(ctx);
        String name = name(ctx.pathParam("name"));
        Person me = Access.person(ctx);
        answers.json(ctx, 200, () -> {
            if (!answers.store().revoke(name, site)) {
                throw answers.store().person(name).isEmpty() ? noOne(name)
                        : new ApiError(404, name + " has no role at " + describe(site) + " to take away");
            }
            return toJson(asSeenBy(me, answers.store().person(name).orElseThrow()));
        });
    }

    private void remove(RoutingContext ctx) {
        answers.store();
        requireEverySiteAdmin(ctx, "removes people; an admin of a site takes away their role there");
        String name = name(ctx.pathParam("name"));
        answers.json(ctx, 204, () -> {
            if (!answers.store().remove(name)) {
                throw noOne(name);
            }
            return null;
        });
    }

    /** The site of the path, where the person must be an admin ({@code *}: an admin of every site). */
    private static String siteAdministered(RoutingContext ctx) {
        String site = PeopleAnswers.checked(() -> PeopleInput.grantSite("site", ctx.pathParam("site")));
        if (Grant.EVERY_SITE.equals(site)) {
            requireEverySiteAdmin(ctx, "gives and takes roles at every site; an admin of one site gives roles "
                    + "there");
        } else if (!Access.person(ctx).may(Role.ADMIN, site)) {
            throw new ApiError(403, "only an admin of " + site + " gives and takes roles there; ask one");
        }
        return site;
    }

    private static void requireEverySiteAdmin(RoutingContext ctx, String what) {
        if (!everySiteAdmin(Access.person(ctx))) {
            throw new ApiError(403, "only an admin of every site " + what);
        }
    }

    private static boolean everySiteAdmin(Person person) {
        return person.may(Role.ADMIN, Grant.EVERY_SITE);
    }

    /**
     * {@code person} with only the roles {@code me} may see: those at sites {@code me} administers, and those at every
     * site (which hold there too). No roles left: not someone of theirs.
     */
    private static Person asSeenBy(Person me, Person person) {
        return everySiteAdmin(me) ? person : new Person(person.name(), person.grants().stream()
                .filter(g -> g.site().equals(Grant.EVERY_SITE) || me.may(Role.ADMIN, g.site())).toList());
    }

    private static String name(String text) {
        return PeopleAnswers.checked(() -> PeopleInput.name("name", text));
    }

    private static ApiError noOne(String name) {
        return new ApiError(404, "there is no one called " + name);
    }

    private static String describe(String site) {
        return Grant.EVERY_SITE.equals(site) ? "every site" : site;
    }

    private static JsonObject toJson(Person person) {
        JsonObject json = person.toJson();
        json.remove("open");
        return json;
    }
}
