package coop.steward.collector.alert;

import static org.assertj.core.api.Assertions.assertThat;

import coop.steward.protocol.Reading;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An admin changes the rules while the devices go on reporting: the new rules judge the next readings of sensors
 * heard before, and what the old ones remembered of them is gone, while their open alerts stay in the book.
 */
class RuleChangesTest {
    private static final long START = Instant.parse("2026-06-21T06:00:00Z").toEpochMilli();
    private static final String NONE = "alerts:\n  defaults: []\n";

    private static String berriesDry(double below) {
        return NONE + "  rules:\n    - id: berries-dry\n      type: threshold\n      kind: soil_moisture\n"
                + "      below: " + below + "\n      for: 10m\n";
    }

    /** A reading of soil-a on bed-1 every minute, from minute {@code from} for {@code minutes}. */
    private static void soil(Scenario scenario, int from, int minutes, double value) {
        for (int m = from; m < from + minutes; m++) {
            long t = START + m * 60_000L;
            scenario.now(t + 2_000);
            scenario.readings("food-forest", "bed-1", List.of(new Reading("soil-a", "soil_moisture", t, value, "%")));
        }
    }

    @Test
    void aRuleAddedWhileABedReports_judgesItsNextReadings() {
        Scenario scenario = Scenario.of(NONE);
        soil(scenario, 0, 30, 22);
        assertThat(scenario.seen()).isEmpty();

        scenario.replaceRules(berriesDry(26));
        soil(scenario, 30, 30, 22);

        assertThat(scenario.seen()).containsExactly(new Scenario.Seen("berries-dry", "bed-1", "soil-a",
                Instant.ofEpochMilli(START + 40 * 60_000L), null));
    }

    @Test
    void aLimitLowered_resolvesTheOpenAlert_byTheNextReadingBackPastIt_andThenJudgesByTheNewLimit() {
        Scenario scenario = Scenario.of(berriesDry(26));
        soil(scenario, 0, 20, 24);
        assertThat(scenario.alerts()).singleElement().extracting(Alert::state).isEqualTo(AlertState.OPEN);

        scenario.replaceRules(berriesDry(20));
        soil(scenario, 20, 20, 24);
        soil(scenario, 40, 20, 18);

        assertThat(scenario.seen()).containsExactly(
                new Scenario.Seen("berries-dry", "bed-1", "soil-a", Instant.ofEpochMilli(START + 10 * 60_000L),
                        Instant.ofEpochMilli(START + 20 * 60_000L)),
                new Scenario.Seen("berries-dry", "bed-1", "soil-a", Instant.ofEpochMilli(START + 50 * 60_000L),
                        null));
    }

    @Test
    void aRuleTakenOut_judgesNoMoreReadings() {
        Scenario scenario = Scenario.of(berriesDry(26));
        soil(scenario, 0, 5, 22);

        scenario.replaceRules(NONE);
        soil(scenario, 5, 60, 22);

        assertThat(scenario.seen()).isEmpty();
    }
}
