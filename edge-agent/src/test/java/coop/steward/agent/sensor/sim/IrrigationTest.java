package coop.steward.agent.sensor.sim;

import static coop.steward.agent.sensor.sim.Times.DAY;
import static coop.steward.agent.sensor.sim.Times.MINUTE;
import static coop.steward.agent.sensor.sim.Times.at;
import static coop.steward.agent.sensor.sim.Times.every;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IrrigationTest {
    private final SimulatedSite site = new SimulatedSite(17, 51.5, 400);

    @Test
    void soil_driesThroughTheDay_afterTheMorningWatering() {
        for (String day : List.of("2026-07-11", "2026-06-13", "2026-05-02")) {
            double morning = site.read("soil_moisture", "soil-a", at(day + "T07:00:00Z"));
            double evening = site.read("soil_moisture", "soil-a", at(day + "T17:00:00Z"));
            assertThat(evening).as(day).isLessThan(morning);
        }
    }

    @Test
    void soil_driesFasterOnASunnyAfternoonThanAtNight() {
        double afternoonLoss = site.read("soil_moisture", "soil-a", at("2026-06-13T12:00:00Z"))
                - site.read("soil_moisture", "soil-a", at("2026-06-13T15:00:00Z"));
        double nightLoss = site.read("soil_moisture", "soil-a", at("2026-06-13T23:00:00Z"))
                - site.read("soil_moisture", "soil-a", at("2026-06-14T02:00:00Z"));

        assertThat(nightLoss).isPositive();
        assertThat(afternoonLoss).isGreaterThan(10 * nightLoss);
    }

    @Test
    void morningWatering_opensTheValveAt0600_andWetsTheBed() {
        long opens = at("2026-07-11T06:00:00Z");
        assertThat(site.read("valve_state", "valve", opens - 1)).isZero();
        assertThat(site.read("flow_rate", "flow", opens - 1)).isZero();

        double before = site.read("soil_moisture", "soil-a", opens);
        double previous = before;
        for (long t = opens + MINUTE; t < opens + 10 * MINUTE; t += MINUTE) {
            assertThat(site.read("valve_state", "valve", t)).isEqualTo(1.0);
            assertThat(site.read("flow_rate", "flow", t)).isBetween(6.0, 8.0);
            double moisture = site.read("soil_moisture", "soil-a", t);
            assertThat(moisture).isGreaterThanOrEqualTo(previous);
            previous = moisture;
        }
        double after = site.read("soil_moisture", "soil-a", opens + 10 * MINUTE);

        assertThat(after - before).isBetween(8.0, 14.0);
        assertThat(site.read("valve_state", "valve", opens + 10 * MINUTE)).isZero();
        assertThat(site.read("flow_rate", "flow", opens + 10 * MINUTE)).isZero();
    }

    @Test
    void valve_isExactlyClosed_withNoFlow_inTheNight() {
        for (long t = at("2026-07-01T03:00:00Z"); t < at("2026-07-15T03:00:00Z"); t += DAY) {
            assertThat(site.read("valve_state", "valve", t)).isEqualTo(0.0);
            assertThat(site.read("flow_rate", "flow", t)).isEqualTo(0.0);
        }
    }

    @Test
    void dryBed_isRefilled_whenItFallsBelowTheRefillPoint() {
        SimulatedSite hot = new SimulatedSite(3, 35, 400);
        List<Long> refills = new ArrayList<>();
        every(MINUTE, at("2026-07-01T00:00:00Z"), at("2026-07-15T00:00:00Z"), t -> {
            boolean opening = hot.read("valve_state", "v", t) == 1 && hot.read("valve_state", "v", t - MINUTE) == 0;
            if (opening && Instant.ofEpochMilli(t).toString().indexOf("T06:00") < 0) {
                refills.add(t);
            }
        });

        assertThat(refills).isNotEmpty();
        for (long t : refills) {
            World world = World.of(3, 35, 400);
            assertThat(hot.read("soil_moisture", "controller", t)).as("at %d", t).isCloseTo(Bed.REFILL_POINT,
                    within(2.0));
            assertThat(hot.read("soil_moisture", "controller", t + 10 * MINUTE))
                    .isCloseTo(world.bed().fieldCapacity(), within(1.5));
        }
    }

    @Test
    void waterMeter_countsTheFlowThroughTheValve() {
        long from = at("2026-07-10T00:00:00Z");
        double[] integralL = {0};
        every(1000, from, from + 2 * DAY, t -> integralL[0] += site.read("flow_rate", "flow", t) / 60);

        double metered = site.read("water_total", "meter", from + 2 * DAY) - site.read("water_total", "meter", from);

        assertThat(metered).isPositive().isCloseTo(integralL[0], within(0.005 * integralL[0]));
    }

    @Test
    void waterMeter_standsStill_whileTheValveIsClosed() {
        double night = site.read("water_total", "meter", at("2026-07-10T22:00:00Z"));

        assertThat(site.read("water_total", "meter", at("2026-07-11T05:59:59Z"))).isEqualTo(night);
    }
}
