package coop.steward.protocol;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The retained payload of {@code steward/v1/{site}/alerts/{alertId}/aid/{helperSite}}: a person of the helping site
 * takes the alert the site asked help with. The helping site's id is the topic's last level, which its account alone
 * may write; an empty retained message takes it back.
 *
 * @param person who will go, as the helping site knows them
 * @param t      when they said so, epoch milliseconds
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record AidTaken(int v, String person, long t) {
}
