package coop.steward.collector.alert;

import static org.assertj.core.api.Assertions.assertThat;

import coop.steward.collector.config.AlertsConfig;
import coop.steward.collector.config.CollectorConfig;
import coop.steward.collector.config.Severity;
import coop.steward.protocol.Reading;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A collector of a hub group taking a site over: it adopts the site's open alerts and runs the site's recent
 * readings through its rules (the shipped soil-dry rule: below 20 % for 30 minutes, cleared at 23 %), and only the
 * net outcome is told.
 */
class SiteTakeoverTest {
    private static final long T = 1_800_000_000_000L;
    private static final long MINUTE = 60_000;
    private final AtomicLong clock = new AtomicLong(T + 200 * MINUTE);
    private final List<AlertChange> changes = new ArrayList<>();
    private AlertEngine engine;

    @BeforeEach
    void start() {
        AlertsConfig config = CollectorConfig.parse("", "test").alerts();
        AlertBook book = new AlertBook(AlertBook.Restored.empty(), clock::get, config.lateAfter().toMillis(),
                config.renotify().toMillis(), changes::add);
        engine = new AlertEngine(Rules.of(config), book, clock::get);
    }

    @Test
    void anAlertTheLastOwnerRaised_staysOpenThroughReadingsFromBeforeItOpened() {
        engine.book().adopt(dry("a7", 95, 65));
        engine.replay("orchard", List.of(), soil(60, 64, 30, 65, 110, 15));

        assertThat(changes).as("nothing told again, nothing resolved").isEmpty();
        assertThat(engine.book().active()).extracting(Alert::id).containsExactly("a7");
    }

    @Test
    void aDrySpellRaisedAndResolvedWithinTheReplay_isNotToldAgain() {
        List<Map.Entry<String, Reading>> readings = soil(0, 9, 30, 10, 50, 15);
        readings.addAll(soil(51, 60, 30, 0, -1, 0));
        engine.replay("orchard", List.of(), readings);

        assertThat(changes).isEmpty();
        assertThat(engine.book().active()).isEmpty();
    }

    @Test
    void aDrySpellNobodyRaisedYet_isRaisedFromItsStart() {
        engine.replay("orchard", List.of(), soil(0, 9, 30, 10, 45, 15));

        assertThat(changes).extracting(c -> c.kind()).containsExactly(AlertChange.Kind.RAISED);
        Alert raised = changes.get(0).alert();
        assertThat(raised.since()).isEqualTo(T + 10 * MINUTE);
        assertThat(raised.openedAt()).isEqualTo(T + 40 * MINUTE);
    }

    @Test
    void anAdoptedAlertWhoseBedWasWateredAfterItOpened_isResolved_andTheNextSpellRaised() {
        engine.book().adopt(dry("a7", 40, 10));
        List<Map.Entry<String, Reading>> readings = soil(10, 50, 15, 51, 60, 30);
        readings.addAll(soil(61, 100, 15, 0, -1, 0));
        engine.replay("orchard", List.of(), readings);

        assertThat(changes).extracting(c -> c.kind() + " " + c.alert().id() + " at "
                        + ((c.alert().resolvedAt() != null ? c.alert().resolvedAt() : c.alert().openedAt()) - T) / MINUTE)
                .containsExactly("RESOLVED a7 at 51", "RAISED a1 at 91");
    }

    /** The last owner's open soil-dry alert of orchard/bed-1/soil-a. */
    private static Alert dry(String id, int openedMinute, int sinceMinute) {
        return new Alert(id, "soil-dry", Severity.WARNING, "orchard", "bed-1", "soil-a", AlertState.OPEN, "dry",
                15.0, T + openedMinute * MINUTE, null, null, false, T + openedMinute * MINUTE,
                T + sinceMinute * MINUTE, null, null);
    }

    /** A reading a minute: {@code a} from minute {@code a0} to {@code a1}, then {@code b} from {@code b0} to {@code b1}. */
    private static List<Map.Entry<String, Reading>> soil(int a0, int a1, double a, int b0, int b1, double b) {
        List<Map.Entry<String, Reading>> readings = new ArrayList<>();
        for (int m = a0; m <= a1; m++) {
            readings.add(Map.entry("bed-1", new Reading("soil-a", "soil_moisture", T + m * MINUTE, a, "%")));
        }
        for (int m = b0; m <= b1; m++) {
            readings.add(Map.entry("bed-1", new Reading("soil-a", "soil_moisture", T + m * MINUTE, b, "%")));
        }
        return readings;
    }
}
