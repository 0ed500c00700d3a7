package coop.steward.collector.http;

import coop.steward.collector.people.NotifyChoice;
import coop.steward.collector.people.NotifyDraft;
import coop.steward.collector.people.Person;
import coop.steward.collector.people.Role;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.LocalTime;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * {@code GET} and {@code PUT /api/v1/me/notify}: the signed-in person's own choice of which alerts reach them beyond
 * the dashboard, checked as {@code bin/steward user notify} checks it. Nobody reads or sets anyone else's here.
 */
final class NotifyRoutes {
    private static final String USAGE = "{\"sites\": [] (every site you have a role at) or [\"food-forest\"], "
            + "\"minSeverity\": \"info\", \"warning\" or \"critical\", \"quietFrom\": \"22:00\" or null, "
            + "\"quietTo\": \"07:00\" or null, \"zone\": \"Europe/London\", \"email\": ... or null, \"webhook\": "
            + "\"https://...\" or null, \"perHour\": 10}";
    private static final Set<String> FIELDS = Set.of("sites", "minSeverity", "quietFrom", "quietTo", "zone", "email",
            "webhook", "perHour");
    /** The API's fields go by the names of the choice's own. */
    private static final UnaryOperator<String> SAME_NAMES = UnaryOperator.identity();

    private final PeopleAnswers answers;

    NotifyRoutes(PeopleAnswers answers) {
        this.answers = answers;
    }

    void mount(Router router) {
        router.get("/api/v1/me/notify").handler(this::read);
        router.put("/api/v1/me/notify").handler(this::change);
    }

    private void read(RoutingContext ctx) {
        String name = Access.person(ctx).name();
        answers.json(ctx, 200, () -> toJson(name, answers.store().choice(name).orElse(null)));
    }

    private void change(RoutingContext ctx) {
        answers.store();
        Person me = Access.person(ctx);
        JsonBody body = JsonBody.of(ctx, USAGE, FIELDS);
        NotifyChoice choice = PeopleAnswers.checked(() -> new NotifyDraft(body.texts("sites"),
                body.requiredText("minSeverity"), body.text("quietFrom"), body.text("quietTo"),
                body.requiredText("zone"), body.text("email"), body.text("webhook"), body.number("perHour"))
                .check(SAME_NAMES));
        for (String site : choice.sites()) {
            if (!me.may(Role.VIEWER, site)) {
                throw ApiError.badRequest("you have no role at site '" + site + "', so its alerts cannot reach you; "
                        + "leave it out of sites");
            }
        }
        answers.json(ctx, 200, () -> {
            if (!answers.store().setChoice(me.name(), choice)) {
                throw new ApiError(404, "there is no one called " + me.name() + " any more; sign in again");
            }
            return toJson(me.name(), choice);
        });
    }

    /** With {@code choice} null (they have not chosen), what the page should offer: nothing beyond the dashboard. */
    private static JsonObject toJson(String name, NotifyChoice choice) {
        JsonObject json = new JsonObject().put("name", name).put("chosen", choice != null)
                .put("digestAt", NotifyChoice.DIGEST_AT.toString());
        if (choice == null) {
            return json.put("sites", new JsonArray()).put("minSeverity", "warning").putNull("quietFrom")
                    .putNull("quietTo").putNull("zone").putNull("email").putNull("webhook")
                    .put("perHour", NotifyChoice.DEFAULT_PER_HOUR);
        }
        return json.put("sites", new JsonArray(choice.sites())).put("minSeverity", choice.minSeverity().code())
                .put("quietFrom", time(choice.quietFrom())).put("quietTo", time(choice.quietTo()))
                .put("zone", choice.zone().getId()).put("email", choice.email()).put("webhook", choice.webhook())
                .put("perHour", choice.perHour());
    }

    private static String time(LocalTime time) {
        return time == null ? null : time.toString();
    }
}
