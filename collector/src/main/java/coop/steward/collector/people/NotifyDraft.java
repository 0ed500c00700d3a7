package coop.steward.collector.people;

import java.time.LocalTime;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A person's alert choices as they typed them, in the shell or on the My alerts page, before they are checked.
 * Fields left out are null: no quiet hours, no e-mail, no webhook, {@link NotifyChoice#DEFAULT_PER_HOUR}.
 */
public record NotifyDraft(List<String> sites, String minSeverity, String quietFrom, String quietTo, String zone,
                          String email, String webhook, Long perHour) {
    public NotifyDraft {
        sites = sites == null ? List.of() : List.copyOf(sites);
    }

    /**
     * @param field what the caller calls each of the record's fields, for the sentences
     * @throws IllegalArgumentException with a sentence naming the first field that will not do
     */
    public NotifyChoice check(UnaryOperator<String> field) {
        if ((quietFrom == null) != (quietTo == null)) {
            throw new IllegalArgumentException("quiet hours need a start and an end (" + field.apply("quietFrom")
                    + " and " + field.apply("quietTo") + "), or neither for none");
        }
        LocalTime from = quietFrom == null ? null : PeopleInput.time(field.apply("quietFrom"), quietFrom);
        LocalTime to = quietTo == null ? null : PeopleInput.time(field.apply("quietTo"), quietTo);
        if (from != null && from.equals(to)) {
            throw new IllegalArgumentException("quiet hours from " + from + " to " + to + " are no hours at all; "
                    + "give two different times, or neither for none");
        }
        return new NotifyChoice(PeopleInput.sites(field.apply("sites"), sites),
                PeopleInput.severity(field.apply("minSeverity"), minSeverity), from, to,
                PeopleInput.zone(field.apply("zone"), zone), PeopleInput.email(field.apply("email"), email),
                PeopleInput.webhook(field.apply("webhook"), webhook),
                perHour == null ? NotifyChoice.DEFAULT_PER_HOUR : PeopleInput.perHour(field.apply("perHour"), perHour));
    }
}
