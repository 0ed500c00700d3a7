package coop.steward.agent.sensor.sim;

import static coop.steward.agent.sensor.sim.Times.DAY;
import static coop.steward.agent.sensor.sim.Times.HOUR;
import static coop.steward.agent.sensor.sim.Times.MINUTE;
import static coop.steward.agent.sensor.sim.Times.at;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class WeatherTest {
    private final SimulatedSite site = new SimulatedSite(17, 51.5, 400);

    @Test
    void air_isColdestNearDawn_andWarmestInTheAfternoon() {
        for (String day : List.of("2026-03-05", "2026-06-13", "2026-09-20")) {
            long midnight = at(day + "T00:00:00Z");
            assertThat(hourOf(coldest(site, "air_temperature", midnight), midnight)).as(day).isBetween(3.0, 9.0);
            assertThat(hourOf(warmest(site, "air_temperature", midnight), midnight)).as(day).isBetween(12.0, 18.0);
        }
    }

    @Test
    void soil_followsTheAir_laterAndWithASmallerSwing() {
        long midnight = at("2026-06-13T00:00:00Z");
        long airPeak = warmest(site, "air_temperature", midnight);
        long soilPeak = warmest(site, "soil_temperature", midnight);

        assertThat(soilPeak - airPeak).isBetween(HOUR, 6 * HOUR);
        assertThat(swing(site, "soil_temperature", midnight))
                .isLessThan(0.6 * swing(site, "air_temperature", midnight));
    }

    @Test
    void humidity_fallsAsTheAirWarms() {
        long midnight = at("2026-06-13T00:00:00Z");

        assertThat(site.read("humidity", "rh", warmest(site, "air_temperature", midnight)))
                .isLessThan(site.read("humidity", "rh", coldest(site, "air_temperature", midnight)) - 20);
    }

    @Test
    void summer_isWarmerThanWinter_onBothSidesOfTheEquator() {
        SimulatedSite north = new SimulatedSite(5, 50, 400);
        SimulatedSite south = new SimulatedSite(5, -35, 400);

        assertThat(monthMean(north, "2026-07")).isGreaterThan(monthMean(north, "2026-01") + 10);
        assertThat(monthMean(south, "2026-01")).isGreaterThan(monthMean(south, "2026-07") + 8);
    }

    private static double monthMean(SimulatedSite site, String month) {
        double sum = 0;
        int n = 0;
        for (long t = at(month + "-01T00:00:00Z"); t < at(month + "-29T00:00:00Z"); t += 3 * HOUR) {
            sum += site.read("air_temperature", "t", t);
            n++;
        }
        return sum / n;
    }

    private static long warmest(SimulatedSite site, String kind, long midnight) {
        long best = midnight;
        for (long t = midnight; t < midnight + DAY; t += 10 * MINUTE) {
            best = site.read(kind, "t", t) > site.read(kind, "t", best) ? t : best;
        }
        return best;
    }

    private static long coldest(SimulatedSite site, String kind, long midnight) {
        long best = midnight;
        for (long t = midnight; t < midnight + DAY; t += 10 * MINUTE) {
            best = site.read(kind, "t", t) < site.read(kind, "t", best) ? t : best;
        }
        return best;
    }

    private static double swing(SimulatedSite site, String kind, long midnight) {
        double warmest = site.read(kind, "t", warmest(site, kind, midnight));
        return warmest - site.read(kind, "t", coldest(site, kind, midnight));
    }

    private static double hourOf(long t, long midnight) {
        return (t - midnight) / (double) HOUR;
    }
}
