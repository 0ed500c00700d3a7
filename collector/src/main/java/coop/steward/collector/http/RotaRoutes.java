package coop.steward.collector.http;

import coop.steward.collector.people.NotifyChoice;
import coop.steward.collector.people.PeopleInput;
import coop.steward.collector.people.PeopleStore;
import coop.steward.collector.people.Person;
import coop.steward.collector.people.Role;
import coop.steward.collector.people.Shift;
import coop.steward.collector.site.Sites;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A site's watering rota: {@code GET /api/v1/sites/{site}/rota} for anyone with a role there (the shifts in order,
 * who is on duty now, the escalation time); adding and removing shifts and setting the escalation time for its
 * admins, as {@code bin/steward rota} does from the shell. Every change answers with the rota as it now is.
 */
final class RotaRoutes {
    private static final String SHIFT_USAGE = "{\"name\": \"ann\", \"days\": [\"mon\", \"wed\"] (default: every "
            + "day), \"start\": \"07:00\", \"end\": \"12:00\" (equal: all day; end before start: over midnight; "
            + "default 00:00 to 00:00), \"zone\": \"Europe/London\" (default: the site's)}";
    private static final Set<String> SHIFT_FIELDS = Set.of("name", "days", "start", "end", "zone");
    private static final String ESCALATION_USAGE = "{\"afterSeconds\": 1800}";
    private static final List<String> EVERY_DAY = List.of("mon", "tue", "wed", "thu", "fri", "sat", "sun");

    private final PeopleAnswers answers;
    private final Sites sites;
    private final Clock clock;

    RotaRoutes(PeopleAnswers answers, Sites sites, Clock clock) {
        this.answers = answers;
        this.sites = sites;
        this.clock = clock;
    }

    void mount(Router router) {
        router.get("/api/v1/sites/:site/rota").handler(this::read);
        router.post("/api/v1/sites/:site/rota").handler(this::add);
        router.delete("/api/v1/sites/:site/rota/:position").handler(this::remove);
        router.put("/api/v1/sites/:site/escalation").handler(this::escalation);
    }

    private void read(RoutingContext ctx) {
        String site = site(ctx, Role.VIEWER);
        boolean admin = Access.person(ctx).may(Role.ADMIN, site);
        answers.json(ctx, 200, () -> rota(site, admin));
    }

    private void add(RoutingContext ctx) {
        String site = site(ctx, Role.ADMIN);
        JsonBody body = JsonBody.of(ctx, SHIFT_USAGE, SHIFT_FIELDS);
        String name = PeopleAnswers.checked(() -> PeopleInput.name("name", body.requiredText("name")));
        List<String> days = body.texts("days");
        String zone = body.text("zone");
        Set<DayOfWeek> parsedDays = PeopleAnswers.checked(() -> PeopleInput.days("days", days == null ? EVERY_DAY
                : days));
        LocalTime start = PeopleAnswers.checked(() -> PeopleInput.time("start", orMidnight(body.text("start"))));
        LocalTime end = PeopleAnswers.checked(() -> PeopleInput.time("end", orMidnight(body.text("end"))));
        ZoneId zoneId = zone == null ? sites.zone(site) : PeopleAnswers.checked(() -> PeopleInput.zone("zone", zone));
        answers.json(ctx, 201, () -> {
            answers.store().addShift(site, name, parsedDays, start, end, zoneId);
            return rota(site, true);
        });
    }

    private void remove(RoutingContext ctx) {
        String site = site(ctx, Role.ADMIN);
        String text = ctx.pathParam("position");
        int position;
        try {
            position = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("position " + PeopleInput.quote(text) + " is not a whole number: a shift's "
                    + "position as GET /api/v1/sites/" + site + "/rota lists it");
        }
        answers.json(ctx, 200, () -> {
            if (!answers.store().removeShift(site, position)) {
                throw new ApiError(404, site + " has no shift at position " + position + "; GET /api/v1/sites/"
                        + site + "/rota lists them");
            }
            return rota(site, true);
        });
    }

    private void escalation(RoutingContext ctx) {
        String site = site(ctx, Role.ADMIN);
        Long seconds = JsonBody.of(ctx, ESCALATION_USAGE, Set.of("afterSeconds")).number("afterSeconds");
        if (seconds == null) {
            throw ApiError.badRequest("afterSeconds is required: how long an alert may go unanswered before it goes "
                    + "on; send " + ESCALATION_USAGE);
        }
        Duration after = PeopleAnswers.checked(() -> PeopleInput.escalation("afterSeconds",
                Duration.ofSeconds(Math.max(0, seconds))));
        answers.json(ctx, 200, () -> {
            answers.store().setEscalateAfter(site, after);
            return rota(site, true);
        });
    }

    /** The site of the request's path, once the person is known to hold {@code role} there. */
    private String site(RoutingContext ctx, Role role) {
        answers.store();
        String site = Params.checkedId("site", ctx.pathParam("site"));
        if (!Access.person(ctx).may(role, site)) {
            throw new ApiError(403, role == Role.VIEWER ? "you have no role at site '" + site + "'; an admin can "
                    + "give you one" : "only an admin of " + site + " may change its rota; you may read it");
        }
        return site;
    }

    private static String orMidnight(String time) {
        return time == null ? "00:00" : time;
    }

    /** Blocking: reads the store. Its admins also get the site's stewards, whom they may put on duty. */
    private JsonObject rota(String site, boolean admin) {
        PeopleStore people = answers.store();
        Instant now = clock.instant();
        List<Shift> shifts = people.shifts(site);
        Map<String, NotifyChoice> choices = people.recipients().stream().collect(Collectors.toMap(
                r -> r.person().name(), PeopleStore.Recipient::choice));
        JsonArray list = new JsonArray();
        JsonArray onDuty = new JsonArray();
        for (Shift shift : shifts) {
            boolean covers = shift.covers(now);
            if (covers && !onDuty.contains(shift.name())) {
                onDuty.add(shift.name());
            }
            NotifyChoice choice = choices.get(shift.name());
            list.add(new JsonObject().put("position", shift.position()).put("name", shift.name())
                    .put("days", new JsonArray(shift.days().stream().sorted().map(day -> day.name()
                            .substring(0, 3).toLowerCase(Locale.ROOT)).toList()))
                    .put("start", shift.start().toString()).put("end", shift.end().toString())
                    .put("zone", shift.zone().getId()).put("onDuty", covers)
                    // Whoever is on duty is told by e-mail or webhook only: without either, nobody outside the
                    // dashboard hears of it.
                    .put("reachable", choice != null && (choice.email() != null || choice.webhook() != null)));
        }
        JsonObject rota = new JsonObject().put("site", site).put("zone", sites.zone(site).getId())
                .put("shifts", list).put("onDuty", onDuty)
                .put("escalation", new JsonObject().put("afterSeconds", people.escalateAfter(site).toSeconds()));
        if (admin) {
            rota.put("stewards", new JsonArray(people.list().stream().filter(p -> p.may(Role.STEWARD, site))
                    .map(Person::name).toList()));
        }
        return rota;
    }
}
