package coop.steward.collector.config;

import coop.steward.config.Problems;
import coop.steward.config.Spelling;
import coop.steward.config.YamlNode;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the {@code sites:} list: each site's id, IANA time zone and directions ({@code where}), every problem reported
 * at its line.
 */
final class SiteReader {
    private static final Set<String> ZONES = ZoneId.getAvailableZoneIds();
    static final int MAX_WHERE = 300;

    private SiteReader() {
    }

    /** The sites, or null when something was reported. */
    static List<SiteConfig> read(Keys top, Problems problems) {
        int mark = problems.count();
        List<YamlNode> items = top.list("sites");
        List<SiteConfig> sites = new ArrayList<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (int i = 0; items != null && i < items.size(); i++) {
            Keys site = Keys.of(items.get(i), items.get(i).line(), top.field("sites") + "[" + i + "]", problems);
            if (site == null) {
                continue;
            }
            site.allowOnly("id", "zone", "where");
            String id = site.require("id", "id: food-forest") ? site.id("id") : null;
            ZoneId zone = site.require("zone", "zone: Europe/London") ? zone(site) : null;
            String where = where(site);
            Integer earlier = id == null ? null : seen.putIfAbsent(id, site.lineOf("id"));
            if (earlier != null) {
                site.error("id", "the site '" + id + "' is listed twice, here and on line " + earlier
                        + "; list each site once");
            } else if (id != null && zone != null) {
                sites.add(new SiteConfig(id, zone, where));
            }
        }
        return problems.noneSince(mark) ? List.copyOf(sites) : null;
    }

    /** Free text for people, up to {@link #MAX_WHERE} characters: it goes to neighbours in a request for help. */
    private static String where(Keys site) {
        String text = site.text("where", null);
        if (text == null || text.isBlank()) {
            return null;
        }
        if (text.length() > MAX_WHERE) {
            site.error("where", "the directions are " + text.length() + " characters long; keep them to " + MAX_WHERE
                    + " (an address and where to go once there)");
            return null;
        }
        return text.strip();
    }

    /** IANA names only: an offset such as +01:00 would get daylight saving time wrong half the year. */
    private static ZoneId zone(Keys site) {
        String text = site.text("zone", null);
        if (text == null) {
            return null;
        }
        if (ZONES.contains(text)) {
            return ZoneId.of(text);
        }
        String likely = likely(text).map(z -> " (did you mean '" + z + "'?)").orElse("");
        site.error("zone", "'" + text + "' is not an IANA time zone" + likely + "; use a name such as "
                + "Europe/London, America/New_York or UTC");
        return null;
    }

    /** A zone spelled nearly right, or named by its city alone ("London" for Europe/London). */
    private static Optional<String> likely(String text) {
        String city = "/" + text.strip().replace(' ', '_').toLowerCase(Locale.ROOT);
        return ZONES.stream().filter(z -> z.toLowerCase(Locale.ROOT).endsWith(city) && !z.startsWith("SystemV/"))
                .sorted().findFirst().or(() -> Spelling.closest(text, ZONES));
    }
}
