package coop.steward.protocol;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The retained payload of {@code steward/v1/{site}/alerts/{alertId}/aid}: a site asks the stewards of the sites that
 * offer help to pick up an alert nobody at home answered. It carries what a helper needs to act: where, what, since
 * when. The site publishes it again once a helper took it, naming who; an empty retained message withdraws it.
 *
 * @param site     the asking site
 * @param alert    the alert's id at that site
 * @param rule     the alert's rule id, e.g. {@code soil-dry}
 * @param severity {@code warning} or {@code critical}
 * @param message  the alert's sentence, as the site's own stewards read it
 * @param device   the device the alert is about, or null for the whole site
 * @param sensor   the sensor, or null
 * @param place    how to find the site, as the site wrote it ({@code sites[].where}), or null
 * @param since    when the condition began, epoch milliseconds
 * @param openedAt when the site raised the alert
 * @param askedAt  when the site asked for help
 * @param taken    who took it, or null while nobody has
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record AidRequest(int v, String site, String alert, String rule, String severity, String message,
                         String device, String sensor, String place, long since, long openedAt, long askedAt,
                         Taker taken) {

    /** A helper who took it: a person of a helping site, and when they said so. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Taker(String person, String site, long at) {
        /** How people read it: "ann of valley". */
        public String words() {
            return person + " of " + site;
        }
    }

    public AidRequest takenBy(Taker taker) {
        return new AidRequest(v, site, alert, rule, severity, message, device, sensor, place, since, openedAt,
                askedAt, taker);
    }
}
