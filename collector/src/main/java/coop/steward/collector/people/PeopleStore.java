package coop.steward.collector.people;

import coop.steward.collector.config.Severity;
import coop.steward.collector.sqlite.SqliteFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.regex.Pattern;

/**
 * People, their roles, their sessions and their API tokens, in {@code people.db} beside the collector's other data:
 * written by {@code bin/steward user} while the collector runs, and read by the collector at each request, so that a
 * person added or removed counts at once. Only hashes of passwords, session ids and tokens are kept. Blocking: call
 * it from a worker, never an event loop.
 */
public final class PeopleStore {
    public static final String FILE = "people.db";
    /** How long a sign-in lasts: a gardener's phone stays signed in for a season's month. */
    public static final Duration SESSION = Duration.ofDays(30);
    /** Half an hour: a steward on duty can finish a job in the bed before someone else is called. */
    public static final Duration DEFAULT_ESCALATION = Duration.ofMinutes(30);
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Checked when the name is unknown, so that a wrong name takes as long as a wrong password. */
    private static final String DUMMY_HASH = PasswordHashing.hash("no one has this password");

    private final SqliteFile file;

    private PeopleStore(SqliteFile file) {
        this.file = file;
    }

    public static PeopleStore open(Path dataDir) {
        return new PeopleStore(SqliteFile.open(dataDir, FILE, "the people store",
                "CREATE TABLE IF NOT EXISTS person (name TEXT PRIMARY KEY, password TEXT NOT NULL, "
                        + "created INTEGER NOT NULL)",
                "CREATE TABLE IF NOT EXISTS person_role (name TEXT NOT NULL, site TEXT NOT NULL, "
                        + "role TEXT NOT NULL, PRIMARY KEY (name, site))",
                "CREATE TABLE IF NOT EXISTS token (hash TEXT PRIMARY KEY, name TEXT NOT NULL, "
                        + "label TEXT NOT NULL, created INTEGER NOT NULL)",
                "CREATE TABLE IF NOT EXISTS session (hash TEXT PRIMARY KEY, name TEXT NOT NULL, "
                        + "expires INTEGER NOT NULL)",
                "CREATE TABLE IF NOT EXISTS shift (site TEXT NOT NULL, position INTEGER NOT NULL, "
                        + "name TEXT NOT NULL, days TEXT NOT NULL, start TEXT NOT NULL, finish TEXT NOT NULL, "
                        + "zone TEXT NOT NULL, PRIMARY KEY (site, position))",
                "CREATE TABLE IF NOT EXISTS escalation (site TEXT PRIMARY KEY, after_seconds "
                        + "INTEGER NOT NULL)",
                "CREATE TABLE IF NOT EXISTS notify (name TEXT PRIMARY KEY, sites TEXT NOT NULL, "
                        + "min_severity TEXT NOT NULL, quiet_from TEXT, quiet_to TEXT, zone TEXT NOT NULL, "
                        + "email TEXT, webhook TEXT, per_hour INTEGER NOT NULL)"));
    }

    /** What a person's name may be, as a sentence, or null when {@code name} is one. */
    public static String nameProblem(String name) {
        return name != null && NAME.matcher(name).matches() ? null
                : "a name is 1 to 64 characters of a-z, 0-9, '.', '_' and '-', starting with a letter or digit";
    }

    public boolean isEmpty() {
        return query(connection -> {
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT count(*) FROM person")) {
                return rows.next() && rows.getLong(1) == 0;
            }
        });
    }

    /** @throws IllegalArgumentException when the name is taken or not a name, saying so */
    public void add(String name, String password, List<Grant> grants) {
        String problem = nameProblem(name);
        if (problem != null) {
            throw new IllegalArgumentException("'" + name + "': " + problem);
        }
        String hash = PasswordHashing.hash(password);
        update(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO person (name, password, created) VALUES (?, ?, ?)")) {
                insert.setString(1, name);
                insert.setString(2, hash);
                insert.setLong(3, System.currentTimeMillis());
                insert.executeUpdate();
            } catch (SQLException e) {
                if (e.getMessage() != null && e.getMessage().contains("UNIQUE")) {
                    throw new PeopleConflict("there is already someone called " + name
                            + "; choose another name, or give them a role instead");
                }
                throw e;
            }
            for (Grant grant : grants) {
                grant(connection, name, grant);
            }
            return null;
        });
    }

    /**
     * Gives them {@code grant}'s role at its site, in place of any role they had there.
     *
     * @return false when there is no such person
     * @throws PeopleConflict when it would leave no admin of every site
     */
    public boolean grant(String name, Grant grant) {
        return changingRoles(name, connection -> {
            if (person(connection, name)) {
                grant(connection, name, grant);
                return true;
            }
            return false;
        });
    }

    private static boolean person(Connection connection, String name) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT 1 FROM person WHERE name = ?")) {
            select.setString(1, name);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next();
            }
        }
    }

    /** Them with their roles, read in the transaction at hand. */
    private static Optional<Person> withRoles(Connection connection, String name) throws SQLException {
        if (!person(connection, name)) {
            return Optional.empty();
        }
        List<Grant> grants = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT site, role FROM person_role WHERE name = ? ORDER BY site")) {
            select.setString(1, name);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    Optional<Role> role = Role.of(rows.getString(2));
                    if (role.isPresent()) {
                        grants.add(new Grant(rows.getString(1), role.get()));
                    }
                }
            }
        }
        return Optional.of(new Person(name, grants));
    }

    /**
     * A change of someone's roles, in one transaction: refused when it would leave no admin of every site (nobody
     * could then manage people everywhere), and taking away their shifts at sites where they are no longer a steward,
     * since whoever is on duty is told of the site's alerts.
     */
    private <T> T changingRoles(String name, SqliteFile.Work<T> change) {
        return update(connection -> {
            long admins = everySiteAdmins(connection);
            T result = change.run(connection);
            if (admins > 0 && everySiteAdmins(connection) == 0) {
                throw new PeopleConflict(name + " is the last admin of every site; nobody could manage people "
                        + "everywhere without one. Make someone else an admin of every site first");
            }
            offTheRotaWhereNoSteward(connection, name);
            return result;
        });
    }

    private static void offTheRotaWhereNoSteward(Connection connection, String name) throws SQLException {
        Optional<Person> person = withRoles(connection, name);
        List<String> sites = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT DISTINCT site FROM shift WHERE name = ?")) {
            select.setString(1, name);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    sites.add(rows.getString(1));
                }
            }
        }
        for (String site : sites) {
            if (person.isEmpty() || !person.get().may(Role.STEWARD, site)) {
                try (PreparedStatement delete = connection.prepareStatement(
                        "DELETE FROM shift WHERE name = ? AND site = ?")) {
                    delete.setString(1, name);
                    delete.setString(2, site);
                    delete.executeUpdate();
                }
            }
        }
    }

    private static long everySiteAdmins(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT count(*) FROM person_role WHERE site = ? AND role = ?")) {
            select.setString(1, Grant.EVERY_SITE);
            select.setString(2, Role.ADMIN.code());
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? rows.getLong(1) : 0;
            }
        }
    }

    /**
     * Takes their role at {@code site} (or at every site, {@link Grant#EVERY_SITE}) away.
     *
     * @return false when they had no role there
     * @throws PeopleConflict when it would leave no admin of every site
     */
    public boolean revoke(String name, String site) {
        return changingRoles(name, connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM person_role WHERE name = ? AND site = ?")) {
                delete.setString(1, name);
                delete.setString(2, site);
                return delete.executeUpdate() > 0;
            }
        });
    }

    /** Ends every API token of theirs. @return how many there were */
    public int revokeTokens(String name) {
        return update(connection -> delete(connection, "DELETE FROM token WHERE name = ?", name));
    }

    /** @return false when there is no such person */
    public boolean setPassword(String name, String password) {
        String hash = PasswordHashing.hash(password);
        return update(connection -> {
            try (PreparedStatement change = connection.prepareStatement("UPDATE person SET password = ? WHERE name = ?")) {
                change.setString(1, hash);
                change.setString(2, name);
                boolean changed = change.executeUpdate() == 1;
                // A new password ends every session and API token, so a stolen phone or script is shut out.
                delete(connection, "DELETE FROM session WHERE name = ?", name);
                delete(connection, "DELETE FROM token WHERE name = ?", name);
                return changed;
            }
        });
    }

    /**
     * Their roles, sessions, tokens, choices and shifts go with them.
     *
     * @return false when there is no such person
     * @throws PeopleConflict when they are the last admin of every site
     */
    public boolean remove(String name) {
        return changingRoles(name, connection -> {
            delete(connection, "DELETE FROM person_role WHERE name = ?", name);
            delete(connection, "DELETE FROM session WHERE name = ?", name);
            delete(connection, "DELETE FROM token WHERE name = ?", name);
            delete(connection, "DELETE FROM notify WHERE name = ?", name);
            delete(connection, "DELETE FROM shift WHERE name = ?", name);
            return delete(connection, "DELETE FROM person WHERE name = ?", name) == 1;
        });
    }

    public List<Person> list() {
        return query(connection -> {
            Map<String, List<Grant>> people = new LinkedHashMap<>();
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT name FROM person ORDER BY name")) {
                while (rows.next()) {
                    people.put(rows.getString(1), new ArrayList<>());
                }
            }
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT name, site, role FROM person_role ORDER BY site")) {
                while (rows.next()) {
                    List<Grant> grants = people.get(rows.getString(1));
                    Optional<Role> role = Role.of(rows.getString(3));
                    if (grants != null && role.isPresent()) {
                        grants.add(new Grant(rows.getString(2), role.get()));
                    }
                }
            }
            List<Person> list = new ArrayList<>();
            people.forEach((name, grants) -> list.add(new Person(name, grants)));
            return list;
        });
    }

    /** Sets how alerts reach them. @return false when there is no such person */
    public boolean setChoice(String name, NotifyChoice choice) {
        return update(connection -> {
            if (!person(connection, name)) {
                return false;
            }
            try (PreparedStatement upsert = connection.prepareStatement("INSERT OR REPLACE INTO notify (name, sites, "
                    + "min_severity, quiet_from, quiet_to, zone, email, webhook, per_hour) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                upsert.setString(1, name);
                upsert.setString(2, String.join(",", choice.sites()));
                upsert.setString(3, choice.minSeverity().code());
                upsert.setString(4, choice.quietFrom() == null ? null : choice.quietFrom().toString());
                upsert.setString(5, choice.quietTo() == null ? null : choice.quietTo().toString());
                upsert.setString(6, choice.zone().getId());
                upsert.setString(7, choice.email());
                upsert.setString(8, choice.webhook());
                upsert.setInt(9, choice.perHour());
                upsert.executeUpdate();
            }
            return true;
        });
    }

    /** Everyone who chose to hear of alerts outside the dashboard, with their roles. */
    public List<Recipient> recipients() {
        Map<String, NotifyChoice> choices = query(connection -> choices(connection, null));
        List<Recipient> recipients = new ArrayList<>();
        for (Person person : list()) {
            NotifyChoice choice = choices.get(person.name());
            if (choice != null) {
                recipients.add(new Recipient(person, choice));
            }
        }
        return recipients;
    }

    /** How alerts reach them, when they chose. */
    public Optional<NotifyChoice> choice(String name) {
        return Optional.ofNullable(query(connection -> choices(connection, name)).get(name));
    }

    /** Everyone's choices, or only {@code name}'s. */
    private static Map<String, NotifyChoice> choices(Connection connection, String name) throws SQLException {
        Map<String, NotifyChoice> found = new LinkedHashMap<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT name, sites, min_severity, quiet_from, "
                + "quiet_to, zone, email, webhook, per_hour FROM notify WHERE ? IS NULL OR name = ?")) {
            select.setString(1, name);
            select.setString(2, name);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    String sites = rows.getString(2);
                    found.put(rows.getString(1), new NotifyChoice(sites.isEmpty() ? List.of()
                            : List.of(sites.split(",")), Severity.valueOf(rows.getString(3).toUpperCase(
                            java.util.Locale.ROOT)), time(rows.getString(4)), time(rows.getString(5)),
                            ZoneId.of(rows.getString(6)), rows.getString(7), rows.getString(8), rows.getInt(9)));
                }
            }
        }
        return found;
    }

    /**
     * Adds a shift at the end of the site's rota.
     *
     * @throws IllegalArgumentException when there is no such person, or they are no steward at the site
     */
    public Shift addShift(String site, String name, Set<DayOfWeek> days, LocalTime start, LocalTime end,
                          ZoneId zone) {
        return update(connection -> {
            Person person = withRoles(connection, name).orElseThrow(() -> new IllegalArgumentException(
                    "there is no one called " + name));
            if (!person.may(Role.STEWARD, site)) {
                // Whoever is on duty is told of every alert of the site, and should be able to act on it.
                throw new IllegalArgumentException(name + " is not a steward at " + site + ": only someone who may "
                        + "acknowledge alerts and water there can be on duty; give them the steward role at " + site
                        + " first");
            }
            int position;
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT coalesce(max(position), 0) + 1 FROM shift WHERE site = ?")) {
                select.setString(1, site);
                try (ResultSet rows = select.executeQuery()) {
                    rows.next();
                    position = rows.getInt(1);
                }
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO shift (site, position, name, "
                    + "days, start, finish, zone) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, site);
                insert.setInt(2, position);
                insert.setString(3, name);
                insert.setString(4, days.stream().map(DayOfWeek::name).sorted().collect(Collectors.joining(",")));
                insert.setString(5, start.toString());
                insert.setString(6, end.toString());
                insert.setString(7, zone.getId());
                insert.executeUpdate();
            }
            return new Shift(site, position, name, days, start, end, zone);
        });
    }

    /** @return false when the site has no shift at that position */
    public boolean removeShift(String site, int position) {
        return update(connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM shift WHERE site = ? AND position = ?")) {
                delete.setString(1, site);
                delete.setInt(2, position);
                return delete.executeUpdate() == 1;
            }
        });
    }

    /** The site's rota, in order. */
    public List<Shift> shifts(String site) {
        return query(connection -> {
            List<Shift> shifts = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT position, name, days, start, finish, "
                    + "zone FROM shift WHERE site = ? ORDER BY position")) {
                select.setString(1, site);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        Set<DayOfWeek> days = new java.util.HashSet<>();
                        for (String day : rows.getString(3).split(",")) {
                            days.add(DayOfWeek.valueOf(day));
                        }
                        shifts.add(new Shift(site, rows.getInt(1), rows.getString(2), days,
                                LocalTime.parse(rows.getString(4)), LocalTime.parse(rows.getString(5)),
                                ZoneId.of(rows.getString(6))));
                    }
                }
            }
            return shifts;
        });
    }

    /** How long an alert may go unanswered before it goes to the next person. */
    public Duration escalateAfter(String site) {
        return query(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT after_seconds FROM escalation WHERE site = ?")) {
                select.setString(1, site);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Duration.ofSeconds(rows.getLong(1)) : DEFAULT_ESCALATION;
                }
            }
        });
    }

    public void setEscalateAfter(String site, Duration after) {
        update(connection -> {
            try (PreparedStatement upsert = connection.prepareStatement(
                    "INSERT OR REPLACE INTO escalation (site, after_seconds) VALUES (?, ?)")) {
                upsert.setString(1, site);
                upsert.setLong(2, Math.max(1, after.toSeconds()));
                upsert.executeUpdate();
            }
            return null;
        });
    }

    /** A person and how alerts reach them. */
    public record Recipient(Person person, NotifyChoice choice) {
    }

    private static LocalTime time(String text) {
        return text == null ? null : LocalTime.parse(text);
    }

    /** The person, when the password is theirs. */
    public Optional<Person> signIn(String name, String password) {
        Optional<String> hash = query(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT password FROM person WHERE name = ?")) {
                select.setString(1, name);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.of(rows.getString(1)) : Optional.<String>empty();
                }
            }
        });
        boolean matches = PasswordHashing.matches(password, hash.orElse(DUMMY_HASH));
        return matches && hash.isPresent() ? person(name) : Optional.empty();
    }

    /** A new session for them; the id goes into their cookie, and only its hash is kept. */
    public String newSession(String name, Instant now) {
        String id = secret();
        update(connection -> {
            delete(connection, "DELETE FROM session WHERE expires < ?", now.toEpochMilli());
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO session (hash, name, expires) VALUES (?, ?, ?)")) {
                insert.setString(1, sha256(id));
                insert.setString(2, name);
                insert.setLong(3, now.plus(SESSION).toEpochMilli());
                insert.executeUpdate();
            }
            return null;
        });
        return id;
    }

    public Optional<Person> bySession(String id, Instant now) {
        return byHash("SELECT name FROM session WHERE hash = ? AND expires >= " + now.toEpochMilli(), id);
    }

    public void endSession(String id) {
        update(connection -> delete(connection, "DELETE FROM session WHERE hash = ?", sha256(id)));
    }

    /** A new API token for scripts and Grafana, shown once; only its hash is kept. */
    public String newToken(String name, String label) {
        if (person(name).isEmpty()) {
            throw new IllegalArgumentException("there is no one called " + name + " (bin/steward user list)");
        }
        String token = "stw_" + secret();
        update(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO token (hash, name, label, created) VALUES (?, ?, ?, ?)")) {
                insert.setString(1, sha256(token));
                insert.setString(2, name);
                insert.setString(3, label);
                insert.setLong(4, System.currentTimeMillis());
                insert.executeUpdate();
            }
            return null;
        });
        return token;
    }

    public Optional<Person> byToken(String token) {
        return byHash("SELECT name FROM token WHERE hash = ?", token);
    }

    public Optional<Person> person(String name) {
        return list().stream().filter(p -> p.name().equals(name)).findFirst();
    }

    private Optional<Person> byHash(String sql, String secret) {
        Optional<String> name = query(connection -> {
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                select.setString(1, sha256(secret));
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.of(rows.getString(1)) : Optional.<String>empty();
                }
            }
        });
        return name.flatMap(this::person);
    }

    private static void grant(Connection connection, String name, Grant grant) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT OR REPLACE INTO person_role (name, site, role) VALUES (?, ?, ?)")) {
            insert.setString(1, name);
            insert.setString(2, grant.site());
            insert.setString(3, grant.role().code());
            insert.executeUpdate();
        }
    }

    private static int delete(Connection connection, String sql, Object value) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(sql)) {
            delete.setObject(1, value);
            return delete.executeUpdate();
        }
    }

    private static String secret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private <T> T query(SqliteFile.Work<T> work) {
        return file.query(work);
    }

    private <T> T update(SqliteFile.Work<T> work) {
        return file.update(work);
    }
}
