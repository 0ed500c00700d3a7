package coop.steward.launcher.people;

import coop.steward.collector.people.Grant;
import coop.steward.collector.people.NotifyChoice;
import coop.steward.collector.people.NotifyDraft;
import coop.steward.collector.people.PeopleInput;
import coop.steward.collector.people.PeopleStore;
import coop.steward.collector.people.Person;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code steward user}: the people who may sign in to the dashboard and API, managed from the shell, so that the
 * first admin needs no web page. Works while the collector runs; a change counts at the next request.
 */
@Command(name = "user", mixinStandardHelpOptions = true,
        description = {"Manages the people who may sign in to the collector's dashboard and API (docs/security.md).",
                "Roles, per site: viewer reads; steward also acknowledges alerts and waters; installer also sees "
                        + "device health and pushes configs; admin also manages people, rules and sites."},
        subcommands = {UserCommand.Add.class, UserCommand.Grant_.class, UserCommand.Passwd.class,
                UserCommand.Remove.class, UserCommand.ListPeople.class, UserCommand.Token.class,
                UserCommand.Notify.class, UserCommand.Revoke.class})
public final class UserCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Where the collector keeps its data, and with it {@code people.db}. */
    static final class DataOption {
        @Option(names = "--data", paramLabel = "DIR", defaultValue = "./data",
                description = "the collector's data folder (default: ${DEFAULT-VALUE})")
        Path data;

        PeopleStore store() {
            return PeopleStore.open(data);
        }
    }

    /** A role and where it holds. */
    static final class RoleOptions {
        @Option(names = "--role", required = true, paramLabel = "ROLE",
                description = "viewer, steward, installer or admin")
        String role;

        @Option(names = "--site", paramLabel = "SITE", defaultValue = Grant.EVERY_SITE,
                description = "the site it holds at (default: every site)")
        String site;

        Grant grant() {
            return new Grant(PeopleInput.grantSite("--site", site), PeopleInput.role("--role", role));
        }
    }

    /** Asks for a password twice on the terminal, or reads one line from standard input for scripts. */
    static final class PasswordOption {
        @Option(names = "--password-stdin", description = "read the password from the first line of standard input "
                + "(for scripts) instead of asking")
        boolean fromStdin;

        String read(PrintWriter err) throws IOException {
            String password;
            if (fromStdin) {
                password = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            } else {
                Console console = System.console();
                if (console == null) {
                    throw new IllegalArgumentException("no terminal to ask for the password on; give it with "
                            + "--password-stdin");
                }
                char[] first = console.readPassword("Password: ");
                char[] second = console.readPassword("Again: ");
                if (first == null || !Arrays.equals(first, second)) {
                    throw new IllegalArgumentException("the two passwords differ; nothing was changed");
                }
                password = new String(first);
            }
            return PeopleInput.password(password);
        }
    }

    private abstract static class Sub implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        DataOption data = new DataOption();

        @Override
        public final Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                return run(data.store(), out, err);
            } catch (IllegalArgumentException e) {
                err.println(e.getMessage());
                return 2;
            } catch (IOException e) {
                err.println("cannot read the password (" + e.getMessage() + ")");
                return 2;
            } finally {
                out.flush();
                err.flush();
            }
        }

        abstract int run(PeopleStore people, PrintWriter out, PrintWriter err) throws IOException;

        static String describe(Person person) {
            return person.name() + "  " + person.grants().stream().map(g -> g.role().code() + " at "
                    + (g.site().equals(Grant.EVERY_SITE) ? "every site" : g.site())).collect(Collectors.joining(", "));
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Adds a person with a role.")
    static final class Add extends Sub {
        @Parameters(paramLabel = "NAME", description = "their sign-in name: a-z, 0-9, '.', '_' and '-'")
        String name;

        @Mixin
        RoleOptions role = new RoleOptions();

        @Mixin
        PasswordOption password = new PasswordOption();

        @Override
        int run(PeopleStore people, PrintWriter out, PrintWriter err) throws IOException {
            Grant grant = role.grant();
            people.add(PeopleInput.name("NAME", name), password.read(err), List.of(grant));
            out.println("added " + name + ": " + grant.role().code() + " at "
                    + (grant.site().equals(Grant.EVERY_SITE) ? "every site" : grant.site()));
            return 0;
        }
    }

    @Command(name = "grant", mixinStandardHelpOptions = true,
            description = "Gives someone a role at a site, in place of the one they had there.")
    static final class Grant_ extends Sub {
        @Parameters(paramLabel = "NAME")
        String name;

        @Mixin
        RoleOptions role = new RoleOptions();

        @Override
        int run(PeopleStore people, PrintWriter out, PrintWriter err) {
            if (!people.grant(name, role.grant())) {
                throw new IllegalArgumentException("there is no one called " + name + " (bin/steward user list)");
            }
            out.println(describe(people.person(name).orElseThrow()));
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Takes someone's role at a site away, or all their API tokens.")
    static final class Revoke extends Sub {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--site", paramLabel = "SITE", description = "the site whose role goes ('*' for the role "
                + "at every site)")
        String site;

        @Option(names = "--tokens", description = "end every API token of theirs")
        boolean tokens;

        @Override
        int run(PeopleStore people, PrintWriter out, PrintWriter err) {
            if (site == null && !tokens) {
                throw new IllegalArgumentException("say what to revoke: --site SITE, --tokens, or both");
            }
            if (site != null && !people.revoke(name, site)) {
                throw new IllegalArgumentException(name + " has no role at " + site + " (bin/steward user list)");
            }
            if (tokens) {
                out.println(people.revokeTokens(name) + " API tokens of " + name + " ended");
            }
            people.person(name).ifPresent(person -> out.println(describe(person)));
            return 0;
        }
    }

    @Command(name = "passwd", mixinStandardHelpOptions = true,
            description = "Sets someone's password; their sign-ins and API tokens end.")
    static final class Passwd extends Sub {
        @Parameters(paramLabel = "NAME")
        String name;

        @Mixin
        PasswordOption password = new PasswordOption();

        @Override
        int run(PeopleStore people, PrintWriter out, PrintWriter err) throws IOException {
            if (people.person(name).isEmpty()) {
                throw new IllegalArgumentException("there is no one called " + name + " (bin/steward user list)");
            }
            people.setPassword(name, password.read(err));
            out.println("new password set for " + name + "; their sign-ins and API tokens have ended");
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Removes someone, with their sign-ins and API tokens.")
    static final class Remove extends Sub {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        int run(PeopleStore people, PrintWriter out, PrintWriter err) {
            if (!people.remove(name)) {
                throw new IllegalArgumentException("there is no one called " + name + " (bin/steward user list)");
            }
            out.println("removed " + name);
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists everyone and their roles.")
    static final class ListPeople extends Sub {
        @Override
        int run(PeopleStore people, PrintWriter out, PrintWriter err) {
            List<Person> everyone = people.list();
            if (everyone.isEmpty()) {
                out.println("no one yet: add the first admin with bin/steward user add NAME --role admin");
            }
            everyone.forEach(person -> out.println(describe(person)));
            return 0;
        }
    }

    @Command(name = "notify", mixinStandardHelpOptions = true,
            description = {"Chooses which alerts reach NAME outside the dashboard, and how.",
                    "Critical alerts come through quiet hours; others then wait for the 07:00 digest, as info "
                            + "alerts always do."})
    static final class Notify extends Sub {
        /** The options, by the fields of the choice they set: for the sentences of a refusal. */
        private static final Map<String, String> OPTIONS = Map.of("sites", "--sites", "minSeverity",
                "--min-severity", "quietFrom", "--quiet (from)", "quietTo", "--quiet (to)", "zone", "--zone",
                "email", "--email", "webhook", "--webhook", "perHour", "--per-hour");

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--email", paramLabel = "ADDRESS", description = "e-mail them (the collector needs --smtp)")
        String email;

        @Option(names = "--webhook", paramLabel = "URL", description = "POST each alert to this URL (ntfy, a "
                + "Matrix or chat bot)")
        String webhook;

        @Option(names = "--sites", paramLabel = "SITE,...", split = ",",
                description = "only these sites (default: every site they have a role at)")
        List<String> sites = List.of();

        @Option(names = "--min-severity", paramLabel = "SEVERITY", defaultValue = "warning",
                description = "info, warning or critical (default: ${DEFAULT-VALUE})")
        String minSeverity;

        @Option(names = "--quiet", paramLabel = "HH:MM-HH:MM", description = "quiet hours, e.g. 22:00-07:00")
        String quiet;

        @Option(names = "--zone", paramLabel = "ZONE", defaultValue = "UTC",
                description = "their time zone, for quiet hours and the digest, e.g. Europe/London")
        String zone;

        @Option(names = "--per-hour", paramLabel = "N", defaultValue = "10",
                description = "at most this many alerts an hour; the rest go into the digest (default: "
                        + "${DEFAULT-VALUE})")
        int perHour;

        @Override
        int run(PeopleStore people, PrintWriter out, PrintWriter err) {
            String[] hours = quiet == null ? new String[2] : quiet.replace(" ", "").split("-", 2);
            if (quiet != null && hours.length != 2) {
                throw new IllegalArgumentException("--quiet '" + quiet + "' is not HH:MM-HH:MM, e.g. 22:00-07:00");
            }
            NotifyChoice choice = new NotifyDraft(sites, minSeverity, hours[0], hours[1], zone, email, webhook,
                    (long) perHour).check(OPTIONS::get);
            if (!people.setChoice(name, choice)) {
                throw new IllegalArgumentException("there is no one called " + name + " (bin/steward user list)");
            }
            out.println(name + " hears of " + choice.minSeverity().code() + " alerts and above"
                    + (email == null ? "" : " by e-mail to " + email) + (webhook == null ? "" : " and at " + webhook)
                    + (quiet == null ? "" : "; quiet " + quiet + " " + choice.zone().getId() + ", but for critical ones"));
            return 0;
        }
    }

    @Command(name = "token", mixinStandardHelpOptions = true,
            description = {"Makes an API token for scripts and Grafana, acting as NAME with NAME's roles.",
                    "Send it as 'Authorization: Bearer TOKEN'. It is shown once; only its hash is kept."})
    static final class Token extends Sub {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--label", paramLabel = "TEXT", defaultValue = "api",
                description = "what it is for, e.g. grafana (default: ${DEFAULT-VALUE})")
        String label;

        @Override
        int run(PeopleStore people, PrintWriter out, PrintWriter err) {
            out.println(people.newToken(name, label));
            return 0;
        }
    }
}
