package coop.steward.agent.sensor.sim;

import static coop.steward.agent.sensor.sim.Times.DAY;
import static coop.steward.agent.sensor.sim.Times.HOUR;
import static coop.steward.agent.sensor.sim.Times.MINUTE;
import static coop.steward.agent.sensor.sim.Times.WEEK;
import static coop.steward.agent.sensor.sim.Times.at;
import static coop.steward.agent.sensor.sim.Times.every;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SolarTest {
    private final SimulatedSite site = new SimulatedSite(17, 51.5, 400);

    @Test
    void irradianceAndPower_areZeroAtNight_andPositiveAtMidday() {
        for (String day : List.of("2026-01-15", "2026-04-15", "2026-07-15", "2026-10-15")) {
            long midnight = at(day + "T00:00:00Z");
            long noon = at(day + "T12:00:00Z");
            assertThat(site.read("irradiance", "pyranometer", midnight)).isZero();
            assertThat(site.read("solar_power", "array", midnight)).isZero();
            assertThat(site.read("solar_voltage", "array", midnight)).isZero();
            assertThat(site.read("solar_current", "array", midnight)).isZero();
            assertThat(site.read("irradiance", "pyranometer", noon)).as(day).isPositive();
            assertThat(site.read("solar_power", "array", noon)).as(day).isPositive();
        }
    }

    @Test
    void clearNoon_isBrighterInSummerThanInWinter_atLatitude50() {
        Sun north = new Sun(50);
        Sun south = new Sun(-50);
        long june = at("2026-06-21T12:00:00Z");
        long december = at("2026-12-21T12:00:00Z");

        assertThat(north.clearSkyIrradiance(june)).isBetween(850.0, 1050.0)
                .isGreaterThan(2 * north.clearSkyIrradiance(december));
        assertThat(south.clearSkyIrradiance(december)).isGreaterThan(2 * south.clearSkyIrradiance(june));
    }

    @Test
    void passingClouds_dimThePanels_somewhereInAWeek_whileOtherSpellsAreClear() {
        World world = World.of(17, 51.5, 400);
        List<Double> shareOfClearSkyPower = new ArrayList<>();

        every(5 * MINUTE, at("2026-06-01T00:00:00Z"), at("2026-06-01T00:00:00Z") + WEEK, t -> {
            double clearSky = world.sun().clearSkyIrradiance(t);
            if (clearSky > 300) {
                double expected = world.array().power(clearSky, world.weather().airTemperature(t));
                shareOfClearSkyPower.add(site.read("solar_power", "array", t) / expected);
            }
        });

        assertThat(shareOfClearSkyPower).anyMatch(share -> share < 0.4).anyMatch(share -> share > 0.95);
    }

    @Test
    void solarVoltage_sitsAtTheMaximumPowerPoint_andCurrentIsPowerOverVoltage() {
        every(10 * MINUTE, at("2026-06-13T00:00:00Z"), at("2026-06-14T00:00:00Z"), t -> {
            double power = site.read("solar_power", "array", t);
            double voltage = site.read("solar_voltage", "array", t);
            if (power > 20) {
                assertThat(voltage).isBetween(30.0, 40.0);
                assertThat(site.read("solar_current", "array", t) * voltage).isCloseTo(power, within(1e-9));
            }
        });
    }

    @Test
    void hotPanels_deliverLessThanColdOnes_inTheSameLight() {
        SolarArray array = new SolarArray(400);

        assertThat(array.power(1000, 35)).isLessThan(array.power(1000, 5));
        assertThat(array.power(1000, 35) / array.power(1000, 5)).isCloseTo(1 - 0.004 * 30, within(0.01));
    }

    @Test
    void energyMeter_countsThePowerItWasFed() {
        long from = at("2026-06-13T00:00:00Z");
        double[] integralWh = {0};
        every(10_000, from, from + DAY, t -> integralWh[0] += site.read("solar_power", "array", t) * 10 / 3600.0);

        double metered = site.read("energy_total", "meter", from + DAY) - site.read("energy_total", "meter", from);

        assertThat(metered).isPositive().isCloseTo(integralWh[0], within(0.01 * integralWh[0]));
    }

    @Test
    void battery_onlyDischargesInTheDark_andChargesInTheSun() {
        SimulatedSite array = new SimulatedSite(7, 51.5, 2400);
        long from = at("2026-11-20T00:00:00Z");
        double[] last = {array.read("battery_soc", "soc", from)};
        boolean[] charged = {false};

        every(10 * MINUTE, from + 10 * MINUTE, from + WEEK, t -> {
            double soc = array.read("battery_soc", "soc", t);
            if (array.read("irradiance", "sky", t) == 0 && array.read("irradiance", "sky", t - 10 * MINUTE) == 0) {
                assertThat(soc).as("at %d, in the dark", t).isLessThanOrEqualTo(last[0]);
            }
            charged[0] |= soc > last[0] + 1;
            last[0] = soc;
        });

        assertThat(charged[0]).isTrue();
    }

    @Test
    void batteryVoltage_followsCharge_andRisesWhileCharging() {
        Battery battery = new Battery(17, 400);

        assertThat(battery.voltage(20, 0)).isLessThan(battery.voltage(90, 0));
        assertThat(battery.voltage(5, 0)).isBetween(11.9, 12.2);
        assertThat(battery.voltage(100, 0)).isBetween(13.2, 13.5);
        assertThat(battery.voltage(60, 300)).isGreaterThan(battery.voltage(60, 0));
    }

    @Test
    void nightLoad_drainsTheBatteryByAFewPercent_notToEmpty() {
        SimulatedSite small = new SimulatedSite(17, 51.5, 400);
        double evening = small.read("battery_soc", "soc", at("2026-06-13T22:00:00Z"));
        double dawn = small.read("battery_soc", "soc", at("2026-06-14T03:00:00Z"));

        assertThat(evening - dawn).isBetween(1.0, 15.0);
        assertThat(small.read("battery_soc", "soc", at("2026-06-14T03:00:00Z") + 10 * HOUR)).isGreaterThan(dawn);
    }
}
