package coop.steward.collector.alert;

import static org.assertj.core.api.Assertions.assertThat;

import coop.steward.protocol.Reading;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Invented sensor ids cannot make the solar rule keep two days of minutes for each, nor crowd out a real array's. */
class SolarUnderperformanceBoundsTest {
    private static final long T0 = Instant.parse("2026-06-21T10:00:00Z").toEpochMilli();

    @Test
    void thousandsOfInventedIrradianceSensors_areNotAllFollowed_andTheArrayIsStillJudgedByItsOwn() {
        Scenario scenario = Scenario.of("""
                alerts:
                  arrays:
                    - {site: solar-array, device: array-1, sensor: power, peakPowerW: 2400}
                """).now(T0);
        for (int i = 0; i < 5_000; i++) {
            // Darkness from devices that are no array: if the rule followed these instead, it would judge nothing.
            scenario.readings("solar-array", "bot-" + i % 50, List.of(new Reading("sun-" + i, "irradiance", T0, 0,
                    "W/m2")));
            scenario.readings("elsewhere", "bot", List.of(new Reading("sun-" + i, "irradiance", T0, 0, "W/m2")));
            // Power sensors of the array's device that the config does not list.
            scenario.readings("solar-array", "array-1", List.of(new Reading("string-" + i, "solar_power", T0, 0,
                    "W")));
        }
        for (int minute = 1; minute <= 40; minute++) {
            long t = T0 + minute * 60_000L;
            // Half of what 800 W/m2 should give: a failed string.
            scenario.now(t).readings("solar-array", "array-1", List.of(new Reading("sun", "irradiance", t, 800, "W/m2"),
                    new Reading("power", "solar_power", t, 2400 * 0.8 * 0.8 * 0.5, "W")));
        }

        assertThat(scenario.alerts()).filteredOn(a -> a.rule().equals("solar-underperformance")).singleElement()
                .satisfies(a -> assertThat(a.message()).contains("array-1/power", "the power expected for"));
        assertThat(rule(scenario).followedSeries()).as("array-1's irradiance and listed power, and 16 others' irradiance")
                .isEqualTo(SolarUnderperformanceRule.OTHER_IRRADIANCE_PER_SITE + 2);
    }

    @Test
    void anArrayListedForEveryPowerSensorOfItsDevice_hasSixteenOfThemFollowedAtMost() {
        Scenario scenario = Scenario.of("""
                alerts:
                  arrays:
                    - {site: solar-array, device: array-2, peakPowerW: 800}
                """).now(T0);
        for (int i = 0; i < 1_000; i++) {
            scenario.readings("solar-array", "array-2", List.of(new Reading("string-" + i, "solar_power", T0, 100,
                    "W")));
        }

        assertThat(rule(scenario).followedSeries()).isEqualTo(SolarUnderperformanceRule.SERIES_PER_ARRAY_DEVICE);
    }

    private static SolarUnderperformanceRule rule(Scenario scenario) {
        return scenario.rules().stream().filter(SolarUnderperformanceRule.class::isInstance)
                .map(SolarUnderperformanceRule.class::cast).findFirst().orElseThrow();
    }
}
