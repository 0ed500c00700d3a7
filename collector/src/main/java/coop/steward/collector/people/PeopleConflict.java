package coop.steward.collector.people;

/**
 * A change the people store refuses because of what it already holds, not because of how it was asked: the name is
 * taken, or it would leave no admin of every site. The shell says it like any other refusal; the API answers 409.
 */
public final class PeopleConflict extends IllegalArgumentException {
    PeopleConflict(String message) {
        super(message);
    }
}
