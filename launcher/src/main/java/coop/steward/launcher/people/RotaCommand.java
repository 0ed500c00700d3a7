package coop.steward.launcher.people;

import coop.steward.collector.people.PeopleInput;
import coop.steward.collector.people.PeopleStore;
import coop.steward.collector.people.Shift;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code steward rota}: a site's watering rota. An alert goes first to whoever is on duty; while nobody acknowledges
 * it, to the next on duty, then to every steward of the site, each after the site's escalation time.
 */
@Command(name = "rota", mixinStandardHelpOptions = true,
        description = {"Manages a site's watering rota: who is on duty when (docs/security.md).",
                "An alert goes first to whoever is on duty; unanswered, to the next on duty, then to every steward."},
        subcommands = {RotaCommand.Add.class, RotaCommand.ListShifts.class, RotaCommand.Remove.class,
                RotaCommand.Escalate.class})
public final class RotaCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    private abstract static class Sub implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--data", paramLabel = "DIR", defaultValue = "./data",
                description = "the collector's data folder (default: ${DEFAULT-VALUE})")
        Path data;

        @Override
        public final Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                return run(PeopleStore.open(data), out);
            } catch (IllegalArgumentException e) {
                err.println(e.getMessage());
                return 2;
            } finally {
                out.flush();
                err.flush();
            }
        }

        abstract int run(PeopleStore people, PrintWriter out);
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Puts someone on duty.")
    static final class Add extends Sub {
        @Parameters(index = "0", paramLabel = "SITE")
        String site;

        @Parameters(index = "1", paramLabel = "NAME")
        String name;

        @Option(names = "--days", paramLabel = "DAYS", defaultValue = "mon,tue,wed,thu,fri,sat,sun", split = ",",
                description = "e.g. mon,wed,fri (default: every day)")
        List<String> days;

        @Option(names = "--from", paramLabel = "HH:MM", defaultValue = "00:00", description = "(default: 00:00)")
        String from;

        @Option(names = "--to", paramLabel = "HH:MM", defaultValue = "00:00",
                description = "before --from runs over midnight; equal to it means all day (default: 00:00)")
        String to;

        @Option(names = "--zone", paramLabel = "ZONE", defaultValue = "UTC",
                description = "the site's time zone, e.g. Europe/London (default: ${DEFAULT-VALUE})")
        String zone;

        @Override
        int run(PeopleStore people, PrintWriter out) {
            people.addShift(PeopleInput.site("SITE", site), name, PeopleInput.days("--days", days),
                    PeopleInput.time("--from", from), PeopleInput.time("--to", to), PeopleInput.zone("--zone", zone));
            people.shifts(site).forEach(shift -> out.println(describe(shift)));
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Shows a site's rota, in order.")
    static final class ListShifts extends Sub {
        @Parameters(paramLabel = "SITE")
        String site;

        @Override
        int run(PeopleStore people, PrintWriter out) {
            List<Shift> shifts = people.shifts(site);
            if (shifts.isEmpty()) {
                out.println("no rota for " + site + " yet: bin/steward rota add " + site + " NAME");
            }
            shifts.forEach(shift -> out.println(describe(shift)));
            out.println("unanswered alerts go on after " + people.escalateAfter(site).toMinutes() + " min");
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Takes a shift off the rota.")
    static final class Remove extends Sub {
        @Parameters(index = "0", paramLabel = "SITE")
        String site;

        @Parameters(index = "1", paramLabel = "POSITION", description = "as rota list numbers it")
        int position;

        @Override
        int run(PeopleStore people, PrintWriter out) {
            if (!people.removeShift(site, position)) {
                throw new IllegalArgumentException(site + " has no shift " + position + " (bin/steward rota list "
                        + site + ")");
            }
            out.println("removed shift " + position + " of " + site);
            return 0;
        }
    }

    @Command(name = "escalate", mixinStandardHelpOptions = true,
            description = "Sets how long an alert may go unanswered before it goes on (default 30 minutes).")
    static final class Escalate extends Sub {
        @Parameters(index = "0", paramLabel = "SITE")
        String site;

        @Option(names = "--after", required = true, paramLabel = "MINUTES", description = "1 to 1440")
        int minutes;

        @Override
        int run(PeopleStore people, PrintWriter out) {
            people.setEscalateAfter(site, PeopleInput.escalation("--after", Duration.ofMinutes(minutes)));
            out.println("unanswered alerts of " + site + " go on after " + minutes + " min");
            return 0;
        }
    }

    static String describe(Shift shift) {
        String days = shift.days().size() == 7 ? "every day" : shift.days().stream().sorted()
                .map(d -> d.name().substring(0, 3).toLowerCase(Locale.ROOT)).collect(Collectors.joining(","));
        String hours = shift.start().equals(shift.end()) ? "all day" : shift.start() + "-" + shift.end();
        return shift.position() + ". " + shift.name() + "  " + days + ", " + hours + " " + shift.zone().getId();
    }
}
