package coop.steward.collector.people;

import coop.steward.collector.config.Severity;
import coop.steward.protocol.Ids;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What people may type for accounts, alert choices and rota shifts, checked alike for {@code bin/steward} and the
 * dashboard's pages. Each refusal is an {@link IllegalArgumentException} whose sentence names the field (as the
 * caller calls it: {@code --zone} in the shell, {@code zone} in JSON), quotes the value and says what would do.
 */
public final class PeopleInput {
    public static final int MIN_PASSWORD = 10;
    /** Argon2 takes any length; this keeps a pasted file out of the hash. */
    public static final int MAX_PASSWORD = 1024;
    public static final int MAX_PER_HOUR = 1000;
    public static final Duration MIN_ESCALATION = Duration.ofMinutes(1);
    public static final Duration MAX_ESCALATION = Duration.ofHours(24);
    static final int MAX_SITES = 100;
    /** RFC 5321's longest path. */
    private static final int MAX_EMAIL = 254;
    private static final int MAX_URL = 2000;
    private static final int MAX_QUOTED = 60;
    private static final Pattern TIME = Pattern.compile("([01][0-9]|2[0-3]):[0-5][0-9]");
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+");
    private static final Pattern PRINTABLE_ASCII = Pattern.compile("[!-~]+");

    private PeopleInput() {
    }

    /** A person's name, as {@link PeopleStore#nameProblem} has it. */
    public static String name(String field, String text) {
        String problem = PeopleStore.nameProblem(text);
        if (problem != null) {
            throw new IllegalArgumentException(field + " " + quote(text) + ": " + problem);
        }
        return text;
    }

    public static Role role(String field, String text) {
        return Role.of(text).orElseThrow(() -> new IllegalArgumentException(field + " " + quote(text)
                + " is not one of viewer, steward, installer, admin"));
    }

    /** A site id, or {@link Grant#EVERY_SITE}. */
    public static String grantSite(String field, String text) {
        return Grant.EVERY_SITE.equals(text) ? text : site(field, text);
    }

    public static String site(String field, String text) {
        if (!Ids.isValid(text)) {
            throw new IllegalArgumentException(field + " " + quote(text) + " is not a site id: "
                    + Ids.describeRule());
        }
        return text;
    }

    public static List<String> sites(String field, List<String> texts) {
        if (texts.size() > MAX_SITES) {
            throw new IllegalArgumentException(field + ": at most " + MAX_SITES + " sites; leave it empty for "
                    + "every site");
        }
        return texts.stream().map(text -> site(field, text)).distinct().toList();
    }

    public static String password(String text) {
        if (text == null || text.length() < MIN_PASSWORD) {
            throw new IllegalArgumentException("a password needs at least " + MIN_PASSWORD + " characters (a few "
                    + "words do)");
        }
        if (text.length() > MAX_PASSWORD) {
            throw new IllegalArgumentException("a password may have at most " + MAX_PASSWORD + " characters");
        }
        return text;
    }

    public static Severity severity(String field, String text) {
        for (Severity severity : Severity.values()) {
            if (severity.code().equals(text)) {
                return severity;
            }
        }
        throw new IllegalArgumentException(field + " " + quote(text) + " is not one of info, warning, critical");
    }

    /** An IANA zone such as Europe/London (or UTC). */
    public static ZoneId zone(String field, String text) {
        try {
            if (text != null && text.length() <= 64) {
                return ZoneId.of(text);
            }
        } catch (DateTimeException e) {
            // said below
        }
        throw new IllegalArgumentException(field + " " + quote(text) + " is not a time zone; use a name such as "
                + "Europe/London");
    }

    /** HH:MM, 00:00 to 23:59. */
    public static LocalTime time(String field, String text) {
        if (text == null || !TIME.matcher(text).matches()) {
            throw new IllegalArgumentException(field + " " + quote(text) + " is not a time of day as HH:MM, e.g. "
                    + "07:00");
        }
        return LocalTime.parse(text);
    }

    /** mon, tue, ... (or longer: monday); at least one. */
    public static Set<DayOfWeek> days(String field, List<String> texts) {
        if (texts.isEmpty()) {
            throw new IllegalArgumentException(field + ": name at least one day, e.g. mon,wed,fri");
        }
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (String text : texts) {
            days.add(day(field, text));
        }
        return days;
    }

    private static DayOfWeek day(String field, String text) {
        String word = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        for (DayOfWeek day : DayOfWeek.values()) {
            if (word.length() >= 2 && day.name().toLowerCase(Locale.ROOT).startsWith(word)) {
                return day;
            }
        }
        throw new IllegalArgumentException(field + ": " + quote(text) + " is not a day; write mon, tue, wed, thu, "
                + "fri, sat or sun");
    }

    /** An e-mail address, or null for none. */
    public static String email(String field, String text) {
        if (text == null) {
            return null;
        }
        if (text.length() > MAX_EMAIL || !EMAIL.matcher(text).matches()) {
            throw new IllegalArgumentException(field + " " + quote(text) + " is not an e-mail address such as "
                    + "ann@example.org");
        }
        return text;
    }

    /** An http:// or https:// URL, or null for none. */
    public static String webhook(String field, String text) {
        if (text == null) {
            return null;
        }
        try {
            URI uri = text.length() <= MAX_URL && PRINTABLE_ASCII.matcher(text).matches() ? new URI(text) : null;
            if (uri != null && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                    && uri.getHost() != null) {
                return text;
            }
        } catch (URISyntaxException e) {
            // said below
        }
        throw new IllegalArgumentException(field + " " + quote(text) + " must be an http:// or https:// URL of at "
                + "most " + MAX_URL + " characters, such as https://ntfy.sh/our-garden-ann");
    }

    public static int perHour(String field, long n) {
        if (n < 1 || n > MAX_PER_HOUR) {
            throw new IllegalArgumentException(field + " must be a whole number from 1 to " + MAX_PER_HOUR
                    + "; past it alerts wait for the digest");
        }
        return (int) n;
    }

    public static Duration escalation(String field, Duration after) {
        if (after.compareTo(MIN_ESCALATION) < 0 || after.compareTo(MAX_ESCALATION) > 0) {
            throw new IllegalArgumentException(field + " must be from 1 minute to 24 hours");
        }
        return after;
    }

    /** A value in a sentence: quoted, cut, with anything unprintable shown as '?'. */
    public static String quote(String text) {
        if (text == null) {
            return "(none)";
        }
        String cut = text.length() > MAX_QUOTED ? text.substring(0, MAX_QUOTED) + "..." : text;
        return "'" + cut.replaceAll("\\p{C}", "?") + "'";
    }
}
