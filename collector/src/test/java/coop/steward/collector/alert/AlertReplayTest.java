package coop.steward.collector.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import coop.steward.collector.config.CollectorConfig;
import coop.steward.protocol.Reading;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A history judged after the fact: alerts at the data's own times, not late, restored by the collector. */
class AlertReplayTest {
    private static final long T0 = Instant.parse("2026-11-10T12:00:00Z").toEpochMilli();
    private static final long MINUTE = 60_000;

    @TempDir
    Path tmp;
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    /** A bed whose valve stays closed while water runs from minute 60 to 90 and again from minute 150 on. */
    private static double flowAt(int minute) {
        return minute >= 60 && minute < 90 || minute >= 150 ? 2.4 : 0;
    }

    @Test
    void historyReplayed_opensAndResolvesAlertsAtTheDataTimes_notLate_andTheCollectorRestoresThem() throws Exception {
        try (AlertReplay replay = AlertReplay.open(CollectorConfig.defaults().alerts(), tmp, T0)) {
            for (int minute = 0; minute < 180; minute++) {
                long t = T0 + minute * MINUTE;
                replay.readings("food-forest", "bed-2", List.of(new Reading("valve", "valve_state", t, 0, null),
                        new Reading("flow", "flow_rate", t, flowAt(minute), null)), t);
                replay.tick(t);
            }
            assertThat(replay.raised()).isEqualTo(2);
            assertThat(replay.resolved()).isEqualTo(1);
        }

        // The collector starts days later, as the demo's does once its history is filled.
        Clock later = Clock.fixed(Instant.ofEpochMilli(T0 + 3 * 24 * 60 * MINUTE), ZoneOffset.UTC);
        List<String> published = new CopyOnWriteArrayList<>();
        Alerts alerts = Alerts.start(vertx, CollectorConfig.defaults().alerts(), tmp, new SimpleMeterRegistry(), later)
                .await(10, TimeUnit.SECONDS);
        alerts.attach((topic, payload, retained) -> published.add(topic), () -> true);
        List<Alert> all = alerts.list(EnumSet.allOf(AlertState.class), null).await(5, TimeUnit.SECONDS);

        assertThat(all).extracting(Alert::rule, Alert::device, Alert::state, Alert::since, Alert::openedAt,
                Alert::resolvedAt, Alert::detectedAt, Alert::late).containsExactly(
                tuple("irrigation-leak", "bed-2", AlertState.OPEN, T0 + 150 * MINUTE, T0 + 151 * MINUTE, null,
                        T0 + 151 * MINUTE, false),
                tuple("irrigation-leak", "bed-2", AlertState.RESOLVED, T0 + 60 * MINUTE, T0 + 61 * MINUTE,
                        T0 + 90 * MINUTE, T0 + 61 * MINUTE, false));
        assertThat(all.get(0).message()).doesNotContain("Found late");
        // Still open when the history ended: published again when the collector starts, as after any restart.
        assertThat(published).containsExactly("steward/v1/food-forest/alerts/" + all.get(0).id());
        alerts.stop().await(10, TimeUnit.SECONDS);
    }
}
