package coop.steward.collector.people;

import coop.steward.collector.config.Severity;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;

/**
 * Which alerts reach a person outside the dashboard, and how. Critical alerts (a leak, a bed at wilting point) come
 * through quiet hours; the rest wait for the morning digest then, as do info alerts always.
 *
 * @param sites       the sites they want alerts of; empty for every site they have a role at
 * @param minSeverity nothing below it reaches them
 * @param quietFrom   the start of their quiet hours in {@code zone}, or null for none
 * @param email       where e-mails go, or null for none
 * @param webhook     a URL that takes a POST per alert (ntfy, a Matrix or chat bot), or null for none
 * @param perHour     at most this many alerts an hour reach them; the rest go into the digest
 */
public record NotifyChoice(List<String> sites, Severity minSeverity, LocalTime quietFrom, LocalTime quietTo,
                           ZoneId zone, String email, String webhook, int perHour) {
    public static final int DEFAULT_PER_HOUR = 10;
    /** When the digest of what waited goes out, in the person's zone. */
    public static final LocalTime DIGEST_AT = LocalTime.of(7, 0);

    public NotifyChoice {
        sites = List.copyOf(sites);
    }

    /** What to do with a raised alert for them. */
    public enum Delivery { NOW, DIGEST, NOT_AT_ALL }

    public Delivery delivery(String site, Severity severity, Instant now) {
        if (!sites.isEmpty() && !sites.contains(site) || severity.compareTo(minSeverity) < 0) {
            return Delivery.NOT_AT_ALL;
        }
        if (severity == Severity.INFO || severity != Severity.CRITICAL && quiet(now)) {
            return Delivery.DIGEST;
        }
        return Delivery.NOW;
    }

    /** Whether {@code now} is in their quiet hours. */
    public boolean quiet(Instant now) {
        if (quietFrom == null || quietTo == null) {
            return false;
        }
        LocalTime local = now.atZone(zone).toLocalTime();
        return quietFrom.isBefore(quietTo) ? !local.isBefore(quietFrom) && local.isBefore(quietTo)
                : !local.isBefore(quietFrom) || local.isBefore(quietTo);
    }
}
