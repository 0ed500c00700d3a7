package coop.steward.collector.alert;

import static org.assertj.core.api.Assertions.assertThat;

import coop.steward.protocol.Reading;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules not covered by the day scenarios, each with the shipped defaults and synthetic readings. */
class RulesTest {
    private static final Instant DAY = Instant.parse("2026-06-21T00:00:00Z");
    private static final Duration MINUTE = Duration.ofMinutes(1);

    private static Instant at(String hhmm) {
        return Instant.parse("2026-06-21T" + hhmm + ":00Z");
    }

    private static long ms(String hhmm) {
        return at(hhmm).toEpochMilli();
    }

    private static void live(Scenario scenario, String site, String device, List<Day.Message> messages) {
        for (Day.Message m : messages) {
            scenario.now(m.t() + 2_000);
            scenario.readings(site, device, m.readings());
        }
    }

    @Test
    void wateringThatDoesNotReachTheProbe_raisesTwoHoursLater_andTheNextWorkingWateringResolvesIt() {
        Scenario scenario = Scenario.withDefaults();
        long first = ms("06:00");
        long second = ms("18:00");
        Day day = Day.between(DAY, at("20:00"), MINUTE)
                .sensor("soil-a", "soil_moisture", t -> t < second ? 24 - Day.hour(t) * 0.01
                        : Math.min(32, 24 + 1.5 * ((t - second) / 60_000)))
                .sensor("flow", "flow_rate", t -> t >= first && t < first + 600_000
                        || t >= second && t < second + 600_000 ? 6.5 : 0.0)
                .sensor("valve", "valve_state", t -> t >= first && t < first + 600_000
                        || t >= second && t < second + 600_000 ? 1.0 : 0.0);

        live(scenario, "food-forest", "bed-7", day.messages());

        assertThat(scenario.seen()).containsExactly(
                new Scenario.Seen("watering-no-rise", "bed-7", "soil-a", at("08:00"), at("18:02")));
        assertThat(scenario.alerts().get(0).message()).contains("did not reach soil-a", "2 hours later");
    }

    @Test
    void wateringOfABedAtFieldCapacity_isNotExpectedToRaiseIt() {
        Scenario scenario = Scenario.withDefaults();
        long watering = ms("06:00");
        Day day = Day.between(DAY, at("12:00"), MINUTE)
                .sensor("soil-a", "soil_moisture", t -> 33.5 - Day.hour(t) * 0.01)
                .sensor("valve", "valve_state", t -> t >= watering && t < watering + 600_000 ? 1.0 : 0.0);

        live(scenario, "food-forest", "bed-7", day.messages());

        assertThat(scenario.seen()).isEmpty();
    }

    @Test
    void waterBudget_raisesOnTheReadingThatCrossesIt_andResolvesWhenTheNextDayBegins() {
        Scenario scenario = Scenario.withDefaults();
        // Two beds' meters; each waters 400 L at 06:00 and 300 L at 15:00: 1,400 L a day against 1,000.
        Day bedA = Day.between(DAY, DAY.plus(Duration.ofHours(30)), Duration.ofMinutes(10))
                .sensor("meter", "water_total", t -> 1000.0 + (t >= ms("06:00") ? 400 : 0) + (t >= ms("15:00") ? 300 : 0));
        Day bedB = Day.between(DAY, DAY.plus(Duration.ofHours(30)), Duration.ofMinutes(10))
                .sensor("meter", "water_total", t -> 50.0 + (t >= ms("06:00") ? 400 : 0) + (t >= ms("15:00") ? 300 : 0));
        List<Day.Message> a = bedA.messages();
        List<Day.Message> b = bedB.messages();

        for (int i = 0; i < a.size(); i++) {
            scenario.now(a.get(i).t() + 1_000);
            scenario.readings("food-forest", "bed-1", a.get(i).readings());
            scenario.readings("food-forest", "bed-2", b.get(i).readings());
        }

        // bed-1's 15:00 reading brings the day to 1,100 L.
        assertThat(scenario.seen()).containsExactly(new Scenario.Seen("water-budget", null, null, at("15:00"),
                Instant.parse("2026-06-22T00:00:00Z")));
        assertThat(scenario.alerts().get(0).message()).contains("food-forest has used 1100 L", "budget of 1000 L");
        assertThat(scenario.alerts().get(0).value()).isEqualTo(1100.0);
    }

    @Test
    void batteryLow_judgesTheChargeOfADeviceThatReportsIt_andItsVoltageOnlyOtherwise() {
        Scenario scenario = Scenario.withDefaults();
        Day withCharge = Day.between(DAY, at("12:00"), MINUTE)
                .sensor("soc", "battery_soc", t -> t < ms("03:00") ? 40.0 : t < ms("09:00") ? 18.0 : 35.0)
                .sensor("volts", "battery_voltage", t -> 11.5);
        Day voltageOnly = Day.between(DAY, at("12:00"), MINUTE)
                .sensor("volts", "battery_voltage", t -> t < ms("03:00") ? 12.6 : t < ms("09:00") ? 11.6 : 12.3);

        live(scenario, "solar-array", "array-1", withCharge.messages());
        live(scenario, "solar-array", "pump-1", voltageOnly.messages());

        assertThat(scenario.seen()).containsExactly(
                new Scenario.Seen("battery-low", "array-1", "soc", at("03:10"), at("09:00")),
                new Scenario.Seen("battery-low", "pump-1", "volts", at("03:10"), at("09:00")));
    }

    @Test
    void stuckSensor_raisesAfterSixHoursOfOneValue_andClearsWhenItMovesAgain() {
        Scenario scenario = Scenario.withDefaults();
        Day day = Day.between(DAY, at("20:00"), Duration.ofMinutes(5))
                .sensor("soil-temp", "soil_temperature", t -> t >= ms("08:00") && t < ms("16:00") ? 17.25
                        : 16 + Day.hour(t) * 0.1);

        live(scenario, "food-forest", "bed-8", day.messages());

        assertThat(scenario.seen()).containsExactly(
                new Scenario.Seen("stuck", "bed-8", "soil-temp", at("14:00"), at("16:00")));
    }

    @Test
    void impossibleValue_raisesAtOnce_andAFlickeringProbeMakesOneAlertUntilAnHourOfSaneValues() {
        Scenario scenario = Scenario.withDefaults();
        Day day = Day.between(DAY, at("06:00"), MINUTE)
                .sensor("soil-temp", "soil_temperature", t -> t >= ms("01:00") && t < ms("02:00")
                        && (t / 60_000) % 2 == 0 ? 85.0 : 15 + Day.hour(t) * 0.1);

        live(scenario, "food-forest", "bed-8", day.messages());

        assertThat(scenario.seen()).containsExactly(
                new Scenario.Seen("impossible-value", "bed-8", "soil-temp", at("01:00"), at("02:59")));
        assertThat(scenario.alerts().get(0).message()).contains("reads 85 C", "-30 to 60 C");
    }

    @Test
    void soilThresholdWithHysteresis_doesNotFlapAroundTheLimit() {
        Scenario scenario = Scenario.withDefaults();
        // Hovers between 19.5 and 21.5 for hours after dropping below 20 for long enough.
        Day day = Day.between(DAY, at("12:00"), MINUTE)
                .sensor("soil-a", "soil_moisture", t -> t < ms("02:00") ? 19.0
                        : (t / 60_000) % 20 < 10 ? 19.5 : 21.5);

        live(scenario, "food-forest", "bed-9", day.messages());

        assertThat(scenario.seen()).containsExactly(new Scenario.Seen("soil-dry", "bed-9", "soil-a", at("00:30"), null));
    }

    @Test
    void replayedOrDuplicateReadings_areEvaluatedOnce() {
        Scenario scenario = Scenario.withDefaults();
        List<Reading> leak = List.of(
                new Reading("valve", "valve_state", ms("02:00"), 0, null),
                new Reading("flow", "flow_rate", ms("02:00"), 1.0, null),
                new Reading("flow", "flow_rate", ms("02:02"), 1.0, null),
                new Reading("flow", "flow_rate", ms("02:05"), 0.0, null));
        scenario.now(ms("02:06"));

        scenario.readings("food-forest", "bed-2", leak);
        scenario.readings("food-forest", "bed-2", leak); // the agent resends: the store keeps one copy, so do we

        assertThat(scenario.seen()).containsExactly(
                new Scenario.Seen("irrigation-leak", "bed-2", "flow", at("02:02"), at("02:05")));
    }

    @Test
    void blockedLine_raisesWhenTheValveIsOpenWithoutFlow_andStaysUntilAWateringFlowsAgain() {
        Scenario scenario = Scenario.withDefaults();
        Day day = Day.between(DAY, at("20:00"), MINUTE)
                .sensor("soil-a", "soil_moisture", t -> 30.0 - Day.hour(t) * 0.01)
                .sensor("flow", "flow_rate", t -> t >= ms("18:00") && t < ms("18:10") ? 6.0 : 0.0)
                .sensor("valve", "valve_state", t -> t >= ms("06:00") && t < ms("06:10")
                        || t >= ms("18:00") && t < ms("18:10") ? 1.0 : 0.0);

        live(scenario, "food-forest", "bed-10", day.messages());

        assertThat(scenario.seen()).containsExactly(
                new Scenario.Seen("irrigation-no-flow", "bed-10", "flow", at("06:02"), at("18:00")));
    }
}
