package coop.steward.launcher.people;

import static org.assertj.core.api.Assertions.assertThat;

import coop.steward.collector.people.Grant;
import coop.steward.collector.people.PeopleStore;
import coop.steward.collector.people.Role;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** bin/steward rota, as a site's organiser keeps its watering rota from the shell. */
class RotaCommandTest {
    @TempDir
    Path data;
    private StringWriter out = new StringWriter();
    private StringWriter err = new StringWriter();

    @Test
    void shiftsAreKeptInOrder_overMidnightToo_andNonsenseIsRefusedWithASentence() {
        PeopleStore people = PeopleStore.open(data);
        people.add("ann", "ann's long password", List.of(new Grant("food-forest", Role.STEWARD)));
        people.add("ben", "ben's long password", List.of(new Grant("food-forest", Role.STEWARD)));

        assertThat(rota("add", "food-forest", "ann", "--days", "mon,wed,fri", "--from", "07:00", "--to", "19:00"))
                .as(err.toString()).isZero();
        assertThat(rota("add", "food-forest", "ben", "--from", "19:00", "--to", "07:00")).isZero();
        assertThat(rota("escalate", "food-forest", "--after", "15")).isZero();
        assertThat(rota("list", "food-forest")).isZero();
        assertThat(out.toString()).contains("1. ann  mon,wed,fri, 07:00-19:00 UTC")
                .contains("2. ben  every day, 19:00-07:00 UTC").contains("after 15 min");
        assertThat(people.escalateAfter("food-forest")).isEqualTo(Duration.ofMinutes(15));
        // Ben's night shift of Wednesday runs into Thursday morning.
        assertThat(people.shifts("food-forest").get(1).covers(Instant.parse("2026-12-03T05:00:00Z"))).isTrue();
        assertThat(people.shifts("food-forest").get(0).covers(Instant.parse("2026-12-03T05:00:00Z"))).isFalse();

        assertThat(rota("add", "food-forest", "ann", "--days", "someday")).isEqualTo(2);
        assertThat(err.toString()).contains("'someday' is not a day");
        assertThat(rota("add", "food-forest", "nobody")).isEqualTo(2);
        assertThat(err.toString()).contains("there is no one called nobody");
        assertThat(rota("remove", "food-forest", "1")).isZero();
        assertThat(people.shifts("food-forest")).extracting(s -> s.name()).containsExactly("ben");
    }

    @Test
    void onlyAStewardOfTheSite_isPutOnDuty_andTheirShiftsGoWithTheRole() {
        PeopleStore people = PeopleStore.open(data);
        people.add("ann", "ann's long password", List.of(new Grant("food-forest", Role.STEWARD)));
        people.add("vic", "vic's long password", List.of(new Grant("food-forest", Role.VIEWER)));

        assertThat(rota("add", "food-forest", "vic")).isEqualTo(2);
        assertThat(err.toString()).contains("vic is not a steward at food-forest");
        assertThat(rota("add", "food-forest", "ann", "--from", "7:00")).isEqualTo(2);
        assertThat(err.toString()).contains("--from '7:00' is not a time of day as HH:MM");
        assertThat(rota("add", "food-forest", "ann")).isZero();

        people.grant("ann", new Grant("food-forest", Role.VIEWER));
        assertThat(people.shifts("food-forest")).as("a viewer is told of nothing as on duty").isEmpty();
    }

    private int rota(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        String[] full = new String[args.length + 3];
        full[0] = "rota";
        System.arraycopy(args, 0, full, 1, args.length);
        full[args.length + 1] = "--data";
        full[args.length + 2] = data.toString();
        CommandLine steward = new CommandLine(new coop.steward.launcher.Steward());
        steward.setOut(new PrintWriter(out, true));
        steward.setErr(new PrintWriter(err, true));
        return steward.execute(full);
    }
}
