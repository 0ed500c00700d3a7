package coop.steward.collector.alert;

import static org.assertj.core.api.Assertions.assertThat;

import coop.steward.collector.config.CollectorConfig;
import coop.steward.collector.config.Severity;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Notes and old alerts in alerts.db: kept across restarts, and found when a query reaches back in time. */
class AlertHistoryTest {
    private static final long NOW = Instant.parse("2026-11-24T12:00:00Z").toEpochMilli();
    private static final long DAY = 86_400_000L;

    @TempDir
    Path tmp;
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private Alerts start() throws Exception {
        return Alerts.start(vertx, CollectorConfig.defaults().alerts(), tmp, new SimpleMeterRegistry(),
                Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC)).await(10, TimeUnit.SECONDS);
    }

    private static List<Alert> all(Alerts alerts, AlertQuery query) throws Exception {
        return alerts.list(query).await(10, TimeUnit.SECONDS);
    }

    @Test
    void aNote_survivesARestart() throws Exception {
        StoredAlerts.write(tmp, List.of(StoredAlerts.alert(1, "soil-dry", Severity.WARNING, "bed-1", NOW - DAY,
                null, null)));
        Alerts first = start();
        first.acknowledge("a1", "watered by hand").await(10, TimeUnit.SECONDS);
        first.stop().await(10, TimeUnit.SECONDS);

        Alerts second = start();

        assertThat(all(second, AlertQuery.of(EnumSet.allOf(AlertState.class), null))).singleElement()
                .satisfies(alert -> {
                    assertThat(alert.state()).isEqualTo(AlertState.ACKNOWLEDGED);
                    assertThat(alert.note()).isEqualTo("watered by hand");
                    assertThat(alert.acknowledgedAt()).isEqualTo(NOW);
                });
        second.stop().await(10, TimeUnit.SECONDS);
    }

    @Test
    void everyAcknowledgement_andWhoWasTold_areKeptInTheAlertsHistory_acrossARestart() throws Exception {
        StoredAlerts.write(tmp, List.of(StoredAlerts.alert(1, "soil-dry", Severity.WARNING, "bed-1", NOW - DAY,
                null, null)));
        Alerts first = start();
        first.record(new AlertEvent("a1", NOW - 1000, AlertEvent.What.TOLD, "ann", "on duty (by e-mail)"));
        first.acknowledge("a1", null, "bob").await(10, TimeUnit.SECONDS);
        first.acknowledge("a1", null, "bob").await(10, TimeUnit.SECONDS);
        first.acknowledge("a1", "the dripper was blocked; cleaned it", "ann").await(10, TimeUnit.SECONDS);
        first.stop().await(10, TimeUnit.SECONDS);

        Alerts second = start();
        AlertHistory history = second.history("a1").await(10, TimeUnit.SECONDS).orElseThrow();

        assertThat(history.alert().acknowledgedBy()).as("the first to acknowledge").isEqualTo("bob");
        assertThat(history.alert().note()).isEqualTo("the dripper was blocked; cleaned it");
        assertThat(history.events()).extracting(e -> e.what().code() + " " + e.person() + ": " + e.note())
                .as("bob's second click adds nothing").containsExactly(
                        "opened null: null",
                        "told ann: on duty (by e-mail)",
                        "acknowledged bob: null",
                        "acknowledged ann: the dripper was blocked; cleaned it");
        assertThat(second.history("a2").await(10, TimeUnit.SECONDS)).isEmpty();
        second.stop().await(10, TimeUnit.SECONDS);
    }

    @Test
    void theHistoryOfAnAlertLongGoneFromMemory_isReadFromAlertsDb_withItsResolution() throws Exception {
        List<Alert> stored = new ArrayList<>();
        for (int i = 1; i <= AlertBook.RESOLVED_KEPT + 2; i++) {
            stored.add(StoredAlerts.alert(i, "soil-dry", Severity.WARNING, "bed-1", NOW - (3_000 - i) * 60_000L,
                    null, NOW - (3_000 - i) * 60_000L + 30_000));
        }
        StoredAlerts.write(tmp, stored);
        Alerts alerts = start();

        AlertHistory oldest = alerts.history("a1").await(10, TimeUnit.SECONDS).orElseThrow();

        assertThat(oldest.events()).extracting(e -> e.what()).containsExactly(AlertEvent.What.OPENED,
                AlertEvent.What.RESOLVED);
        assertThat(oldest.toJson().getJsonArray("history").getJsonObject(1).getLong("at"))
                .isEqualTo(stored.get(0).resolvedAt());
        alerts.stop().await(10, TimeUnit.SECONDS);
    }

    @Test
    void anAlertsDbFromBeforeNotes_getsTheColumn_andItsAlertsHaveNoNote() throws Exception {
        try (Connection old = DriverManager.getConnection("jdbc:sqlite:" + tmp.resolve("alerts.db"));
             Statement st = old.createStatement()) {
            st.execute("CREATE TABLE alerts (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, rule TEXT NOT NULL, "
                    + "severity TEXT NOT NULL, site TEXT NOT NULL, device TEXT, sensor TEXT, state TEXT NOT NULL, "
                    + "message TEXT NOT NULL, value REAL, opened_at INTEGER NOT NULL, acknowledged_at INTEGER, "
                    + "resolved_at INTEGER, late INTEGER NOT NULL, detected_at INTEGER NOT NULL, since INTEGER, "
                    + "resolution TEXT)");
            st.execute("INSERT INTO alerts VALUES (1, 'a1', 'soil-dry', 'warning', 'food-forest', 'bed-1', 'soil-a', "
                    + "'open', 'dry', 18.0, " + (NOW - DAY) + ", NULL, NULL, 0, " + (NOW - DAY) + ", NULL, NULL)");
        }
        Alerts alerts = start();

        assertThat(all(alerts, AlertQuery.of(EnumSet.allOf(AlertState.class), null))).singleElement()
                .satisfies(alert -> assertThat(alert.note()).isNull());
        assertThat(alerts.acknowledge("a1", "looked at it").await(10, TimeUnit.SECONDS).orElseThrow().note())
                .isEqualTo("looked at it");
        alerts.stop().await(10, TimeUnit.SECONDS);
    }

    @Test
    void aQueryWithATimeBound_findsResolvedAlertsOlderThanTheLatestThousandKeptInMemory() throws Exception {
        List<Alert> stored = new ArrayList<>();
        for (int i = 1; i <= AlertBook.RESOLVED_KEPT + 5; i++) {
            long opened = NOW - (2_000 - i) * DAY / 10;
            stored.add(StoredAlerts.alert(i, "soil-dry", Severity.WARNING, "bed-" + (i % 3), opened, null,
                    opened + 3_600_000L));
        }
        StoredAlerts.write(tmp, stored);
        Alerts alerts = start();
        long firstOpened = stored.get(0).openedAt();

        List<Alert> unbounded = all(alerts, AlertQuery.of(EnumSet.allOf(AlertState.class), null));
        List<Alert> old = all(alerts, new AlertQuery(EnumSet.allOf(AlertState.class), "food-forest", null,
                EnumSet.allOf(Severity.class), firstOpened, firstOpened + DAY / 10 + 1));

        assertThat(unbounded).hasSize(AlertBook.RESOLVED_KEPT).extracting(Alert::id).doesNotContain("a1");
        assertThat(old).extracting(Alert::id).containsExactly("a2", "a1");
        alerts.stop().await(10, TimeUnit.SECONDS);
    }
}
