package coop.steward.agent.sensor.sim;

import static coop.steward.agent.sensor.sim.Times.DAY;
import static coop.steward.agent.sensor.sim.Times.HOUR;
import static coop.steward.agent.sensor.sim.Times.MINUTE;
import static coop.steward.agent.sensor.sim.Times.at;
import static coop.steward.agent.sensor.sim.Times.every;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A shaded array and a leaking supply line, each against a twin site without the mishap. */
class MishapsTest {
    private static final long SHADED_SINCE = at("2026-10-24T00:00:00Z");
    private static final Shade SHADE = new Shade(SHADED_SINCE, 10.5, 13.5, 0.35);
    private final SimulatedSite open = new SimulatedSite(7, 51.5, 1600);
    private final SimulatedSite shaded = new SimulatedSite(7, 51.5, 1600, SHADE, null);

    private static final long LEAK_FROM = at("2026-11-10T14:20:00Z");
    private static final long LEAK_TO = at("2026-11-10T17:05:00Z");
    private final SimulatedSite dry = new SimulatedSite(34, 51.5, 400);
    private final SimulatedSite leaking = new SimulatedSite(34, 51.5, 400, null, new Leak(LEAK_FROM, LEAK_TO, 2.4));

    @Test
    void shade_dimsThePanelsToItsLight_betweenItsHours_fromItsDayOn() {
        every(5 * MINUTE, at("2026-10-28T00:00:00Z"), at("2026-10-31T00:00:00Z"), t -> {
            double unshaded = open.read("solar_power", "power", t);
            double hour = (t % DAY) / (double) HOUR;
            if (hour >= 10.5 + Shade.EDGE_HOURS && hour <= 13.5 - Shade.EDGE_HOURS && unshaded > 50) {
                // The light's share, or a little more when sunny cells would run hot: shaded ones lose less to heat.
                assertThat(shaded.read("solar_power", "power", t) / unshaded).as("at %d", t)
                        .isBetween(0.35 - 1e-9, 0.40);
                assertThat(shaded.read("solar_current", "current", t))
                        .isLessThan(0.5 * open.read("solar_current", "current", t));
            } else if (hour < 10.5 || hour > 13.5) {
                assertThat(shaded.read("solar_power", "power", t)).as("at %d", t).isEqualTo(unshaded);
            }
            // The irradiance sensor stands in the open.
            assertThat(shaded.read("irradiance", "irradiance", t)).isEqualTo(open.read("irradiance", "irradiance", t));
        });
    }

    @Test
    void shade_changesNothing_beforeItsDay() {
        every(5 * MINUTE, SHADED_SINCE - 3 * DAY, SHADED_SINCE, t -> {
            assertThat(shaded.read("solar_power", "power", t)).isEqualTo(open.read("solar_power", "power", t));
            assertThat(shaded.read("energy_total", "energy", t)).isEqualTo(open.read("energy_total", "energy", t));
        });
    }

    @Test
    void shadowsEdge_movesAcrossThePanels_inTwentyMinutes_withoutAStep() {
        long edge = at("2026-10-29T10:30:00Z");
        double previous = 1;
        for (long t = edge; t <= edge + 20 * MINUTE; t += MINUTE) {
            double share = shaded.read("solar_power", "power", t) / open.read("solar_power", "power", t);
            assertThat(share).isLessThanOrEqualTo(previous).isGreaterThanOrEqualTo(previous - 0.06);
            previous = share;
        }
        assertThat(previous).isCloseTo(0.37, within(0.03));
    }

    @Test
    void shadedArray_yieldsLessEnergyEveryDay_andItsMeterNeverStepsBack() {
        for (long day = at("2026-10-25T00:00:00Z"); day < at("2026-12-03T00:00:00Z"); day += DAY) {
            double shadedKWh = shaded.read("energy_total", "energy", day + DAY) - shaded.read("energy_total", "energy", day);
            double openKWh = open.read("energy_total", "energy", day + DAY) - open.read("energy_total", "energy", day);
            assertThat(shadedKWh).as("day %d", day).isLessThan(0.85 * openKWh).isPositive();
        }
        double[] last = {Double.NEGATIVE_INFINITY};
        every(MINUTE, SHADED_SINCE, SHADED_SINCE + 2 * DAY, t -> {
            double meter = shaded.read("energy_total", "energy", t);
            assertThat(meter).isGreaterThanOrEqualTo(last[0]);
            last[0] = meter;
        });
    }

    @Test
    void leak_flowsThroughTheMeter_whileTheValveIsClosed_andOnlyThen() {
        every(MINUTE, LEAK_FROM - HOUR, LEAK_TO + HOUR, t -> {
            assertThat(leaking.read("valve_state", "valve", t)).isZero();
            double flow = leaking.read("flow_rate", "flow", t);
            if (t >= LEAK_FROM && t < LEAK_TO) {
                assertThat(flow).as("at %d", t).isCloseTo(2.4, within(0.1));
            } else {
                assertThat(flow).as("at %d", t).isZero();
            }
        });
    }

    @Test
    void leak_addsItsLitresToTheMeter_andTheMeterKeepsThem_butTheBedGetsNone() {
        double beforeLeak = leaking.read("water_total", "meter", LEAK_FROM);
        assertThat(beforeLeak).isEqualTo(dry.read("water_total", "meter", LEAK_FROM));

        double lost = leaking.read("water_total", "meter", LEAK_TO) - beforeLeak;
        assertThat(lost).isCloseTo(2.4 * 165, within(2.4 * 165 * 0.01));
        for (long t : List.of(LEAK_TO, LEAK_TO + DAY, LEAK_TO + 20 * DAY)) {
            assertThat(leaking.read("water_total", "meter", t) - dry.read("water_total", "meter", t))
                    .isCloseTo(lost, within(1e-6));
        }
        double[] last = {Double.NEGATIVE_INFINITY};
        every(10_000, LEAK_FROM - HOUR, LEAK_TO + HOUR, t -> {
            double meter = leaking.read("water_total", "meter", t);
            assertThat(meter).isGreaterThanOrEqualTo(last[0]);
            last[0] = meter;
            assertThat(leaking.read("soil_moisture", "soil-a", t)).isEqualTo(dry.read("soil_moisture", "soil-a", t));
        });
    }

    @Test
    void leakOnADay_makesThatDaysWaterUseStandOut() {
        long day = at("2026-11-10T00:00:00Z");
        double leakDay = leaking.read("water_total", "meter", day + DAY) - leaking.read("water_total", "meter", day);
        double dayBefore = leaking.read("water_total", "meter", day) - leaking.read("water_total", "meter", day - DAY);

        assertThat(leakDay).isGreaterThan(4 * dayBefore);
    }

    @Test
    void impossibleMishaps_areRefused_namingWhatIsWrong() {
        assertThatThrownBy(() -> new Shade(0, 13, 12, 0.3)).hasMessageContaining("fromHour");
        assertThatThrownBy(() -> new Shade(0, 12, 25, 0.3)).hasMessageContaining("toHour");
        assertThatThrownBy(() -> new Shade(0, 10, 14, 1)).hasMessageContaining("light");
        assertThatThrownBy(() -> new Leak(10, 10, 2)).hasMessageContaining("end after it starts");
        assertThatThrownBy(() -> new Leak(0, 10, 0)).hasMessageContaining("litresPerMinute");
    }
}
