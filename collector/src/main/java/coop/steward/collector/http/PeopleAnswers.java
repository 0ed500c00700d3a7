package coop.steward.collector.http;

import coop.steward.collector.people.PeopleConflict;
import coop.steward.collector.people.PeopleStore;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * How the requests of the people pages (My alerts, Rota, People) are answered: the people store's work on a worker,
 * its refusals as a 4xx with its own sentence, and 409 on a collector without accounts, where nobody has choices, a
 * shift or a role to manage.
 */
final class PeopleAnswers {
    static final String NO_ACCOUNTS = "this collector has no accounts (it was started with --open, as the demo is), "
            + "so nobody gets personal alerts, is on a rota or has a role to manage; to add people, run bin/steward "
            + "user add NAME --role admin --data DIR and start the collector without --open (docs/security.md)";

    private final PeopleStore people;
    private final Blocking blocking;

    /** @param people null on an open collector */
    PeopleAnswers(PeopleStore people, Blocking blocking) {
        this.people = people;
        this.blocking = blocking;
    }

    /** The store; a 409 with {@link #NO_ACCOUNTS} on an open collector. */
    PeopleStore store() {
        if (people == null) {
            throw new ApiError(409, NO_ACCOUNTS);
        }
        return people;
    }

    /** Answers what {@code work} returns with {@code status}; a refusal of the store's with its sentence. */
    void json(RoutingContext ctx, int status, Callable<Object> work) {
        store();
        blocking.run(work).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(refusal(ar.cause()));
                return;
            }
            if (ar.result() == null) {
                ctx.response().setStatusCode(204).end();
                return;
            }
            ctx.response().setStatusCode(status);
            Blocking.send(ctx, ar.result());
        });
    }

    /** What a person typed, checked: a sentence of {@link coop.steward.collector.people.PeopleInput}'s is a 400. */
    static <T> T checked(Supplier<T> input) {
        try {
            return input.get();
        } catch (IllegalArgumentException e) {
            throw refusal(e);
        }
    }

    private static RuntimeException refusal(Throwable cause) {
        if (cause instanceof PeopleConflict) {
            return new ApiError(409, cause.getMessage());
        }
        if (cause instanceof IllegalArgumentException) {
            return ApiError.badRequest(cause.getMessage());
        }
        return cause instanceof RuntimeException e ? e : new IllegalStateException(cause);
    }
}
