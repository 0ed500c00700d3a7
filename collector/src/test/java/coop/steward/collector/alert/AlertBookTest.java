package coop.steward.collector.alert;

import static org.assertj.core.api.Assertions.assertThat;

import coop.steward.collector.config.RuleConfig;
import coop.steward.collector.config.RuleTarget;
import coop.steward.collector.config.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The lifecycle open -> acknowledged -> resolved, one alert per rule and subject, reminders. */
class AlertBookTest {
    private static final long T0 = 1_782_000_000_000L;
    private static final long MINUTE = 60_000;
    private static final RuleConfig.Basics RULE = new RuleConfig.Basics("soil-dry", "threshold", Severity.WARNING,
            RuleTarget.ALL, null);
    private static final Subject SOIL = new Subject("food-forest", "bed-1", "soil-a");

    private final AtomicLong clock = new AtomicLong(T0);
    private final List<AlertChange> changes = new ArrayList<>();

    private AlertBook book(AlertBook.Restored restored) {
        return new AlertBook(restored, clock::get, 5 * MINUTE, 240 * MINUTE, changes::add);
    }

    private static Finding finding(long t) {
        return new Finding(RULE, SOIL, t, 18.0, "dry", t - 30 * MINUTE);
    }

    private List<AlertChange.Kind> kinds() {
        return changes.stream().map(AlertChange::kind).toList();
    }

    @Test
    void conditionThatPersists_raisesOneAlert_notOnePerReading() {
        AlertBook book = book(AlertBook.Restored.empty());

        book.raise(finding(T0));
        book.raise(finding(T0 + MINUTE));
        book.raise(finding(T0 + 2 * MINUTE));

        assertThat(kinds()).containsExactly(AlertChange.Kind.RAISED);
        assertThat(book.list(a -> true)).singleElement().satisfies(a -> {
            assertThat(a.id()).isEqualTo("a1");
            assertThat(a.openedAt()).isEqualTo(T0);
            assertThat(a.state()).isEqualTo(AlertState.OPEN);
        });
    }

    @Test
    void acknowledgedAlert_isResolvedWhenTheConditionClears_andANewEpisodeGetsANewAlert() {
        AlertBook book = book(AlertBook.Restored.empty());
        book.raise(finding(T0));
        clock.set(T0 + 5 * MINUTE);

        Alert acknowledged = book.acknowledge("a1").orElseThrow();
        book.clear("soil-dry", SOIL, T0 + 60 * MINUTE, "wet again");
        book.raise(finding(T0 + 120 * MINUTE));

        assertThat(acknowledged.state()).isEqualTo(AlertState.ACKNOWLEDGED);
        assertThat(acknowledged.acknowledgedAt()).isEqualTo(T0 + 5 * MINUTE);
        assertThat(kinds()).containsExactly(AlertChange.Kind.RAISED, AlertChange.Kind.ACKNOWLEDGED,
                AlertChange.Kind.RESOLVED, AlertChange.Kind.RAISED);
        Alert resolved = changes.get(2).alert();
        assertThat(resolved.state()).isEqualTo(AlertState.RESOLVED);
        assertThat(resolved.acknowledgedAt()).isEqualTo(T0 + 5 * MINUTE);
        assertThat(resolved.resolvedAt()).isEqualTo(T0 + 60 * MINUTE);
        assertThat(resolved.resolution()).isEqualTo("wet again");
        assertThat(changes.get(3).alert().id()).isEqualTo("a2");
        assertThat(book.list(a -> true)).extracting(Alert::id).containsExactly("a2", "a1");
    }

    @Test
    void alertsOfOneRuleOnTwoSensors_resolveEachOnItsOwn() {
        AlertBook book = book(AlertBook.Restored.empty());
        Subject other = new Subject("food-forest", "bed-1", "soil-b");
        book.raise(finding(T0));
        book.raise(new Finding(RULE, other, T0, 17.0, "dry", T0 - 30 * MINUTE));

        book.clear("soil-dry", SOIL, T0 + 60 * MINUTE, "wet again");

        assertThat(book.openedAt("soil-dry", SOIL)).isNull();
        assertThat(book.openedAt("soil-dry", other)).isEqualTo(T0);
        book.clear("soil-dry", other, T0 + 90 * MINUTE, "wet again");
        assertThat(book.active()).isEmpty();
        assertThat(kinds()).containsExactly(AlertChange.Kind.RAISED, AlertChange.Kind.RAISED,
                AlertChange.Kind.RESOLVED, AlertChange.Kind.RESOLVED);
    }

    @Test
    void openAlertNobodyAcknowledged_isSentAgainAfterTheRenotifyInterval_andNotOnceAcknowledged() {
        AlertBook book = book(AlertBook.Restored.empty());
        book.raise(finding(T0));

        clock.set(T0 + 239 * MINUTE);
        book.remind();
        clock.set(T0 + 240 * MINUTE);
        book.remind();
        book.remind();
        book.acknowledge("a1");
        clock.set(T0 + 600 * MINUTE);
        book.remind();

        assertThat(kinds()).containsExactly(AlertChange.Kind.RAISED, AlertChange.Kind.REMINDER,
                AlertChange.Kind.ACKNOWLEDGED);
    }

    @Test
    void restoredOpenAlert_isNotRaisedAgain_andAReplayOfAResolvedEpisodeIsIgnored() {
        Alert open = new Alert("a7", "soil-dry", Severity.WARNING, "food-forest", "bed-1", "soil-a", AlertState.OPEN,
                "dry", 18.0, T0, null, null, false, T0, null, null, null);
        Subject other = new Subject("food-forest", "bed-2", "soil-a");
        AlertBook book = book(new AlertBook.Restored(List.of(open),
                Map.of(new AlertBook.Key("soil-dry", other), T0 + 90 * MINUTE), 8));

        book.raise(finding(T0 + 10 * MINUTE));
        book.raise(new Finding(RULE, other, T0 + 30 * MINUTE, 18.0, "dry", null));
        book.raise(new Finding(RULE, other, T0 + 100 * MINUTE, 18.0, "dry", null));

        assertThat(changes).extracting(c -> c.alert().id()).containsExactly("a8");
        assertThat(book.isActive("soil-dry", SOIL)).isTrue();
    }

    @Test
    void acknowledgingAnUnknownOrResolvedAlert_changesNothing() {
        AlertBook book = book(AlertBook.Restored.empty());
        book.raise(finding(T0));
        book.clear("soil-dry", SOIL, T0 + MINUTE, "wet");

        assertThat(book.acknowledge("a99")).isEmpty();
        assertThat(book.acknowledge("a1")).hasValueSatisfying(a -> assertThat(a.state()).isEqualTo(AlertState.RESOLVED));
        assertThat(kinds()).containsExactly(AlertChange.Kind.RAISED, AlertChange.Kind.RESOLVED);
    }

    @Test
    void alertJson_hasTheContractsFields_withDataTimes() {
        AlertBook book = book(AlertBook.Restored.empty());
        clock.set(T0 + 2 * MINUTE);
        book.raise(finding(T0));

        assertThat(changes.get(0).alert().toJson().fieldNames()).contains("id", "rule", "severity", "site", "device",
                "sensor", "state", "message", "value", "openedAt", "acknowledgedAt", "resolvedAt", "late");
        assertThat(changes.get(0).alert().toJson().getString("severity")).isEqualTo("warning");
        assertThat(changes.get(0).alert().toJson().getLong("openedAt")).isEqualTo(T0);
        assertThat(changes.get(0).alert().toJson().getLong("detectedAt")).isEqualTo(T0 + 2 * MINUTE);
        assertThat(changes.get(0).alert().toJson().getBoolean("late")).isFalse();
    }

    @Test
    void aNote_isKeptWithTheAcknowledgement_andASecondOneReplacesIt_keepingTheFirstAcknowledgementsTime() {
        AlertBook book = book(AlertBook.Restored.empty());
        book.raise(finding(T0));
        clock.set(T0 + 5 * MINUTE);

        Alert first = book.acknowledge("a1", "watered by hand").orElseThrow();
        clock.set(T0 + 9 * MINUTE);
        Alert again = book.acknowledge("a1", null).orElseThrow();
        Alert renoted = book.acknowledge("a1", "the dripper was blocked; cleaned it").orElseThrow();
        book.clear("soil-dry", SOIL, T0 + 60 * MINUTE, "wet again");

        assertThat(first.note()).isEqualTo("watered by hand");
        assertThat(again).as("acknowledging again without a note changes nothing").isEqualTo(first);
        assertThat(renoted.note()).isEqualTo("the dripper was blocked; cleaned it");
        assertThat(renoted.acknowledgedAt()).isEqualTo(T0 + 5 * MINUTE);
        assertThat(kinds()).containsExactly(AlertChange.Kind.RAISED, AlertChange.Kind.ACKNOWLEDGED,
                AlertChange.Kind.ACKNOWLEDGED, AlertChange.Kind.RESOLVED);
        assertThat(changes.get(3).alert().note()).isEqualTo("the dripper was blocked; cleaned it");
        assertThat(changes.get(3).alert().toJson().getString("note")).isEqualTo("the dripper was blocked; cleaned it");
        assertThat(changes.get(0).alert().toJson().containsKey("note")).as("null, not left out").isTrue();
    }
}
