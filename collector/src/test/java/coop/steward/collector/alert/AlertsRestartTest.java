package coop.steward.collector.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import coop.steward.collector.config.CollectorConfig;
import coop.steward.protocol.DecodedReadings;
import coop.steward.protocol.Reading;
import coop.steward.testsupport.MovableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The alert verticle across restarts: alerts and what rules remember come back from alerts.db. */
class AlertsRestartTest {
    private static final long T0 = Instant.parse("2026-06-21T08:00:00Z").toEpochMilli();
    private static final long MINUTE = 60_000;

    private record Published(String topic, String payload) {
    }

    @TempDir
    Path tmp;
    private Vertx vertx;
    private final MovableClock clock = MovableClock.stoppedAt(T0);
    private final List<Published> published = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx(new VertxOptions().setMaxEventLoopExecuteTime(200)
                .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS));
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private Alerts alerts() throws Exception {
        Alerts alerts = Alerts.start(vertx, CollectorConfig.defaults().alerts(), tmp, new SimpleMeterRegistry(), clock,
                3_600_000, 1_000).await(10, TimeUnit.SECONDS);
        alerts.attach((topic, payload, retained) -> published.add(new Published(topic, new String(payload))),
                () -> true);
        return alerts;
    }

    /** One reading of each of a bed's two probes a minute, from {@code from} for {@code minutes}. */
    private static List<DecodedReadings> readings(String device, long from, int minutes, double value) {
        List<DecodedReadings> messages = new ArrayList<>();
        for (int i = 0; i < minutes; i++) {
            long t = from + i * MINUTE;
            messages.add(new DecodedReadings("food-forest", device, OptionalLong.of(i), List.of(
                    new Reading("soil-a", "soil_moisture", t, value, null),
                    new Reading("soil-b", "soil_moisture", t, value + 1, null)), List.of()));
        }
        return messages;
    }

    @Test
    void openAlertsAndSensorIntervals_surviveARestart_soDrynessIsNotRaisedAgainButSilenceIsFound() throws Exception {
        Alerts first = alerts();
        clock.set(T0 + 40 * MINUTE);
        first.committed(readings("bed-1", T0, 40, 18.0), List.of());
        first.committed(readings("bed-2", T0, 40, 30.0), List.of());
        List<Alert> open = first.list(EnumSet.of(AlertState.OPEN), null).await(5, TimeUnit.SECONDS);
        assertThat(open).extracting(Alert::rule, Alert::device, Alert::sensor).containsExactly(
                tuple("soil-dry", "bed-1", "soil-b"), tuple("soil-dry", "bed-1", "soil-a"));
        first.stop().await(10, TimeUnit.SECONDS);

        Alerts second = alerts();
        clock.set(T0 + 80 * MINUTE);
        second.committed(readings("bed-1", T0 + 40 * MINUTE, 40, 18.0), List.of()); // still dry; bed-2 is silent
        second.tick().await(5, TimeUnit.SECONDS); // listening from now: silence counts from here
        clock.set(T0 + 110 * MINUTE);
        second.tick().await(5, TimeUnit.SECONDS);

        List<Alert> all = second.list(EnumSet.allOf(AlertState.class), null).await(5, TimeUnit.SECONDS);
        assertThat(all).extracting(Alert::rule, Alert::device, Alert::sensor, Alert::openedAt)
                .containsExactlyInAnyOrder(
                        tuple("soil-dry", "bed-1", "soil-a", T0 + 30 * MINUTE),
                        tuple("soil-dry", "bed-1", "soil-b", T0 + 30 * MINUTE),
                        tuple("silent", "bed-1", null, T0 + 95 * MINUTE),
                        tuple("silent", "bed-2", null, T0 + 95 * MINUTE));
        assertThat(all).extracting(Alert::id).containsExactlyInAnyOrder("a1", "a2", "a3", "a4");
        assertThat(published).extracting(Published::topic).contains("steward/v1/food-forest/alerts/a3",
                "steward/v1/food-forest/alerts/a4");
        // The restored open alerts are published again when the collector starts, so the broker is right.
        assertThat(published.stream().filter(p -> p.topic().endsWith("/a1")).count()).isEqualTo(2);
        second.stop().await(10, TimeUnit.SECONDS);
    }
}
