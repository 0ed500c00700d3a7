package coop.steward.launcher.people;

import static org.assertj.core.api.Assertions.assertThat;

import coop.steward.collector.people.PeopleStore;
import coop.steward.collector.people.Role;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** bin/steward user, as an admin uses it from the shell before anyone can sign in. */
class UserCommandTest {
    private static final InputStream STDIN = System.in;

    @TempDir
    Path data;
    private StringWriter out = new StringWriter();
    private StringWriter err = new StringWriter();

    @AfterEach
    void restoreStdin() {
        System.setIn(STDIN);
    }

    @Test
    void theFirstAdmin_isAddedFromTheShell_andCanSignIn() {
        assertThat(user("ann's long password\n", "add", "ann", "--role", "admin")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("added ann: admin at every site");

        assertThat(user("", "grant", "ann", "--role", "viewer", "--site", "solar-site")).isZero();
        assertThat(user("", "list")).isZero();
        assertThat(out.toString()).contains("ann  admin at every site, viewer at solar-site");
        assertThat(PeopleStore.open(data).signIn("ann", "ann's long password")).get()
                .satisfies(person -> assertThat(person.may(Role.ADMIN, "food-forest")).isTrue());
    }

    @Test
    void theLastAdminOfEverySite_staysOne() {
        user("ann's long password\n", "add", "ann", "--role", "admin");

        assertThat(user("", "remove", "ann")).isEqualTo(2);
        assertThat(err.toString()).contains("ann is the last admin of every site");
        assertThat(user("", "grant", "ann", "--role", "viewer")).isEqualTo(2);
        assertThat(user("", "revoke", "ann", "--site", "*")).isEqualTo(2);
        assertThat(PeopleStore.open(data).person("ann").orElseThrow().may(Role.ADMIN, "food-forest")).isTrue();

        user("ben's long password\n", "add", "ben", "--role", "admin");
        assertThat(user("", "remove", "ann")).as(err.toString()).isZero();
    }

    @Test
    void aShortPassword_orAnUnknownRole_isRefused_andNothingIsAdded() {
        assertThat(user("short\n", "add", "ann", "--role", "admin")).isEqualTo(2);
        assertThat(err.toString()).contains("at least 10 characters");
        assertThat(user("a long enough one\n", "add", "ann", "--role", "gardener")).isEqualTo(2);
        assertThat(err.toString()).contains("'gardener' is not one of viewer, steward, installer, admin");
        assertThat(PeopleStore.open(data).isEmpty()).isTrue();
    }

    @Test
    void aNewPassword_endsTheirSignInsAndTokens_andRolesAndTokensCanBeRevoked() {
        user("first long password\n", "add", "ann", "--role", "steward");
        PeopleStore people = PeopleStore.open(data);
        String session = people.newSession("ann", java.time.Instant.now());
        String token = people.newToken("ann", "grafana");

        assertThat(user("second long password\n", "passwd", "ann")).isZero();
        assertThat(people.bySession(session, java.time.Instant.now())).isEmpty();
        assertThat(people.byToken(token)).as("a new password ends the tokens too").isEmpty();

        String again = people.newToken("ann", "grafana");
        assertThat(user("", "revoke", "ann", "--tokens")).isZero();
        assertThat(people.byToken(again)).isEmpty();
        assertThat(user("", "revoke", "ann", "--site", "*")).isZero();
        assertThat(people.person("ann").orElseThrow().grants()).isEmpty();
        assertThat(user("", "remove", "ann")).isZero();
        assertThat(people.person("ann")).isEmpty();
    }

    @Test
    void aPersonChoosesWhichAlertsReachThem_andNonsenseIsRefusedWithASentence() {
        user("ann's long password\n", "add", "ann", "--role", "steward");

        assertThat(user("", "notify", "ann", "--email", "ann@example.org", "--min-severity", "critical", "--quiet",
                "22:00-07:00", "--zone", "Europe/London")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("ann hears of critical alerts and above by e-mail to ann@example.org");
        assertThat(PeopleStore.open(data).recipients()).singleElement().satisfies(r -> {
            assertThat(r.choice().email()).isEqualTo("ann@example.org");
            assertThat(r.choice().quietFrom()).hasToString("22:00");
            assertThat(r.choice().zone()).hasToString("Europe/London");
        });
        assertThat(user("", "notify", "ann", "--quiet", "late")).isEqualTo(2);
        assertThat(err.toString()).contains("is not HH:MM-HH:MM");
        assertThat(user("", "notify", "ann", "--zone", "Mars/Olympus")).isEqualTo(2);
        assertThat(err.toString()).contains("is not a time zone");
    }

    @Test
    void theCollector_willNotServeTheNetworkWithoutAnAccount_unlessStartedOpen() {
        PrintStream stderr = System.err;
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        System.setErr(new PrintStream(said, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = new CommandLine(new coop.steward.launcher.Steward()).execute("collector", "--mqtt",
                    "tcp://127.0.0.1:1", "--data", data.toString());
        } finally {
            System.setErr(stderr);
        }
        assertThat(exit).isEqualTo(2);
        assertThat(said.toString(StandardCharsets.UTF_8)).contains("No one can sign in yet")
                .contains("bin/steward user add NAME --role admin").contains("--open");
    }

    private int user(String stdin, String... args) {
        System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        out = new StringWriter();
        err = new StringWriter();
        String[] full = new String[args.length + 4];
        full[0] = "user";
        System.arraycopy(args, 0, full, 1, args.length);
        full[args.length + 1] = "--data";
        full[args.length + 2] = data.toString();
        full[args.length + 3] = "--password-stdin";
        CommandLine steward = new CommandLine(new coop.steward.launcher.Steward());
        steward.setOut(new PrintWriter(out, true));
        steward.setErr(new PrintWriter(err, true));
        return steward.execute(needsPassword(args[0]) ? full : java.util.Arrays.copyOf(full, full.length - 1));
    }

    private static boolean needsPassword(String sub) {
        return sub.equals("add") || sub.equals("passwd");
    }
}
