package coop.steward.collector.people;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Set;

/**
 * One line of a site's watering rota: who is on duty on which days, between which times, in the site's zone. A
 * shift whose end is before its start runs over midnight (into the next day).
 *
 * @param position the order among the site's shifts: at a given time the first on duty is told first
 */
public record Shift(String site, int position, String name, Set<DayOfWeek> days, LocalTime start, LocalTime end,
                    ZoneId zone) {
    public Shift {
        days = Set.copyOf(days);
    }

    public boolean covers(Instant instant) {
        ZonedDateTime local = instant.atZone(zone);
        LocalTime time = local.toLocalTime();
        if (start.isBefore(end)) {
            return days.contains(local.getDayOfWeek()) && !time.isBefore(start) && time.isBefore(end);
        }
        // Over midnight: the evening belongs to its own day, the small hours to the day before.
        return days.contains(local.getDayOfWeek()) && !time.isBefore(start)
                || days.contains(local.getDayOfWeek().minus(1)) && time.isBefore(end);
    }
}
