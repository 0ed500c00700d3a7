package coop.steward.collector.alert;

import static org.assertj.core.api.Assertions.assertThat;

import coop.steward.protocol.Reading;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Days in the life of a food forest and a solar array, driven through the engine with the shipped default rules
 * on the readings' own timestamps. Each asserts exactly which alerts are raised and resolved, and when.
 */
class StewardshipScenariosTest {
    private static final Instant DAY = Instant.parse("2026-06-21T00:00:00Z");
    private static final Instant NEXT_DAY = DAY.plus(Duration.ofDays(1));
    private static final Duration MINUTE = Duration.ofMinutes(1);

    private static Instant at(String hhmm) {
        return Instant.parse("2026-06-21T" + hhmm + ":00Z");
    }

    private static long ms(String hhmm) {
        return at(hhmm).toEpochMilli();
    }

    /** Feeds a device's messages as they would arrive live, with its status and the engine's tick every minute. */
    private static void live(Scenario scenario, String site, String device, List<Day.Message> messages) {
        for (Day.Message m : messages) {
            scenario.now(m.t() + 3_000);
            scenario.readings(site, device, m.readings());
            scenario.status(site, device, "online", m.t(), 0L);
            scenario.tick();
        }
    }

    /**
     * Bed 1 on a hot day whose morning watering never came: it dries from 25 % at 06:00 to 15 % at 16:00, when the
     * steward opens the valve for ten minutes and it jumps to 31 %.
     */
    private static Day bedDryingAndWatered() {
        long watering = ms("16:00");
        return Day.between(DAY, NEXT_DAY, MINUTE)
                .sensor("soil-a", "soil_moisture", t -> {
                    double h = Day.hour(t);
                    if (h < 6) {
                        return 26 - h / 6;
                    }
                    if (t < watering) {
                        return 25 - (h - 6);
                    }
                    long minutes = (t - watering) / 60_000;
                    return minutes < 10 ? 15 + 1.7 * minutes : 32 - 0.3 * (h - 16);
                })
                .sensor("soil-temp", "soil_temperature", t -> 18 + 3 * Math.sin(2 * Math.PI * (Day.hour(t) - 9) / 24))
                .sensor("flow", "flow_rate", t -> t >= watering && t < watering + 600_000 ? 7.0 : 0.0)
                .sensor("meter", "water_total", t -> 1000 + 7.0 * Math.max(0, Math.min(10, (t - watering) / 60_000)))
                .sensor("valve", "valve_state", t -> t >= watering && t < watering + 600_000 ? 1.0 : 0.0);
    }

    @Test
    void bedDryingOutAndWatered_raisesSoilDryAfterHalfAnHour_andResolvesWhenTheWaterArrives() {
        Scenario scenario = Scenario.withDefaults();

        live(scenario, "food-forest", "bed-1", bedDryingAndWatered().messages());

        assertThat(scenario.seen()).containsExactly(
                new Scenario.Seen("soil-dry", "bed-1", "soil-a", at("11:31"), at("16:05")));
        Alert alert = scenario.alerts().get(0);
        assertThat(alert.late()).isFalse();
        assertThat(alert.since()).isEqualTo(ms("11:01"));
        assertThat(alert.message()).contains("food-forest/bed-1/soil-a", "below 20 %", "reads 19.48 %");
        assertThat(alert.state()).isEqualTo(AlertState.RESOLVED);
    }

    @Test
    void sameDayDeliveredLateAsOneReplayedBatch_raisesAndResolvesExactlyTheSameAlerts_markedLate() {
        Scenario live = Scenario.withDefaults();
        live(live, "food-forest", "bed-1", bedDryingAndWatered().messages());
        Scenario replayed = Scenario.withDefaults();

        // All day the agent is heard (its status says online, with a growing outbox) but its readings wait on it.
        for (long t = DAY.toEpochMilli(); t < NEXT_DAY.toEpochMilli(); t += 60_000) {
            replayed.now(t + 3_000);
            replayed.status("food-forest", "bed-1", "online", t + 1_000, (t - DAY.toEpochMilli()) / 60_000 * 5);
            replayed.tick();
        }
        replayed.now(NEXT_DAY.toEpochMilli() + 10_000);
        replayed.readings("food-forest", "bed-1", bedDryingAndWatered().all());
        replayed.now(NEXT_DAY.toEpochMilli() + 60_000);
        replayed.tick();

        assertThat(replayed.seen()).isEqualTo(live.seen())
                .containsExactly(new Scenario.Seen("soil-dry", "bed-1", "soil-a", at("11:31"), at("16:05")));
        assertThat(replayed.alerts()).allSatisfy(alert -> {
            assertThat(alert.late()).isTrue();
            assertThat(alert.message()).contains("Found late", "12 hours 29 minutes later");
        });
        assertThat(replayed.alerts()).extracting(Alert::message)
                .containsExactly(live.alerts().get(0).message() + " Found late: the readings that show it were taken "
                        + "at 2026-06-21 11:31 UTC and reached the collector 12 hours 29 minutes later.");
    }

    @Test
    void leakAtNight_raisesAfterAMinuteOfFlowWithTheValveClosed_andResolvesWhenItStops() {
        Scenario scenario = Scenario.withDefaults();
        long start = ms("02:00");
        long stop = ms("05:00");
        Day night = Day.between(DAY, at("08:00"), MINUTE)
                .sensor("soil-a", "soil_moisture", t -> 30 - Day.hour(t) * 0.05)
                .sensor("flow", "flow_rate", t -> t >= start && t < stop ? 0.8 : 0.0)
                .sensor("meter", "water_total", t -> 5000 + 0.8 * Math.max(0, Math.min(180, (t - start) / 60_000)))
                .sensor("valve", "valve_state", t -> 0.0);

        live(scenario, "food-forest", "bed-2", night.messages());

        assertThat(scenario.seen()).containsExactly(
                new Scenario.Seen("irrigation-leak", "bed-2", "flow", at("02:01"), at("05:00")));
        assertThat(scenario.alerts().get(0).severity().code()).isEqualTo("critical");
        assertThat(scenario.alerts().get(0).message()).contains("while the valve is closed", "0.8 L/min");
    }

    /** Clear-sky irradiance of a midsummer day: a half sine from 06:00 to 18:00 peaking at 1,000 W/m2. */
    private static double clearSky(long t) {
        double h = Day.hour(t);
        return h <= 6 || h >= 18 ? 0 : 1000 * Math.sin(Math.PI * (h - 6) / 12);
    }

    @Test
    void shadedStringNextToAHealthyOne_raisesForTheShadedStringOnly_whileTheShadeLasts() {
        Scenario scenario = Scenario.of("""
                alerts:
                  arrays:
                    - {site: solar-array, device: array-2, sensor: string-1, peakPowerW: 1200}
                    - {site: solar-array, device: array-2, sensor: string-2, peakPowerW: 1200}
                """);
        long shadeFrom = ms("10:00");
        long shadeTo = ms("12:00");
        Day day = Day.between(DAY, NEXT_DAY, MINUTE)
                .sensor("string-1", "solar_power", t -> 1200 * clearSky(t) / 1000 * 0.82)
                .sensor("string-2", "solar_power", t -> 1200 * clearSky(t) / 1000 * 0.82
                        * (t >= shadeFrom && t < shadeTo ? 0.3 : 1));

        live(scenario, "solar-array", "array-2", day.messages());

        assertThat(scenario.seen()).containsExactly(
                new Scenario.Seen("solar-underperformance", "array-2", "string-2", at("10:30"), at("12:00")));
        assertThat(scenario.alerts().get(0).message()).contains("sibling arrays of solar-array", "30 %");
    }

    @Test
    void cloudyDay_neverRaisesUnderperformance_withAnIrradianceSensorOrBetweenSiblings() {
        Scenario scenario = Scenario.of("""
                alerts:
                  arrays:
                    - {site: solar-array, device: array-1, sensor: power, peakPowerW: 2400}
                    - {site: hillside, device: roof-a, sensor: power, peakPowerW: 1500}
                    - {site: hillside, device: roof-b, sensor: power, peakPowerW: 3000}
                """);
        Random weather = new Random(42);
        double[] transmission = new double[24 * 60 + 1];
        for (int i = 0; i < transmission.length; i++) {
            // Cloud cover changes every few minutes, between dark overcast (15 %) and sunny gaps.
            transmission[i] = i % 4 == 0 || i == 0 ? 0.15 + 0.85 * weather.nextDouble() : transmission[i - 1];
        }
        long start = DAY.toEpochMilli();
        java.util.function.LongToDoubleFunction light = t -> clearSky(t)
                * transmission[(int) ((t - start) / 60_000)];
        // Every 30 s; the power meter reads a few seconds after the irradiance sensor, so cloud edges disagree.
        Day array = Day.between(DAY, NEXT_DAY, Duration.ofSeconds(30))
                .sensor("irradiance", "irradiance", light::applyAsDouble)
                .sensor("power", "solar_power", t -> 2400 * light.applyAsDouble(Math.max(start, t - 8_000)) / 1000 * 0.8
                        * (0.97 + 0.06 * weather.nextDouble()));
        Day roofA = Day.between(DAY, NEXT_DAY, Duration.ofSeconds(30))
                .sensor("power", "solar_power", t -> 1500 * light.applyAsDouble(t) / 1000 * 0.78);
        Day roofB = Day.between(DAY, NEXT_DAY, Duration.ofSeconds(30))
                .sensor("power", "solar_power", t -> 3000 * light.applyAsDouble(Math.max(start, t - 20_000)) / 1000
                        * 0.83);
        List<Day.Message> a = array.messages();
        List<Day.Message> b = roofA.messages();
        List<Day.Message> c = roofB.messages();

        for (int i = 0; i < a.size(); i++) {
            scenario.now(a.get(i).t() + 2_000);
            scenario.readings("solar-array", "array-1", a.get(i).readings());
            scenario.readings("hillside", "roof-a", b.get(i).readings());
            scenario.readings("hillside", "roof-b", c.get(i).readings());
            if (i % 2 == 0) {
                scenario.tick();
            }
        }

        assertThat(scenario.seen()).isEmpty();
    }

    @Test
    void deviceThatLosesPower_raisesOneDeviceAlert_afterFifteenMinutes_andResolvesWhenItReportsAgain() {
        Scenario scenario = Scenario.withDefaults();
        long powerCut = ms("10:00");
        long powerBack = ms("13:00");
        Day bed = Day.between(DAY, at("16:00"), MINUTE)
                .sensor("soil-a", "soil_moisture", t -> t <= powerCut || t > powerBack ? 30 - Day.hour(t) * 0.1 : null)
                .sensor("soil-b", "soil_moisture", t -> t <= powerCut || t > powerBack ? 31 - Day.hour(t) * 0.1 : null)
                .sensor("flow", "flow_rate", t -> t <= powerCut || t > powerBack ? 0.0 : null)
                .sensor("valve", "valve_state", t -> t <= powerCut || t > powerBack ? 0.0 : null);
        List<Day.Message> messages = bed.messages();

        for (long now = DAY.toEpochMilli(); now < ms("16:00"); now += 10_000) {
            scenario.now(now);
            for (Day.Message m : messages) {
                if (m.t() + 3_000 > now - 10_000 && m.t() + 3_000 <= now) {
                    scenario.readings("food-forest", "bed-3", m.readings());
                }
            }
            boolean powered = now <= powerCut || now > powerBack;
            if (powered && now % 60_000 == 0) {
                scenario.status("food-forest", "bed-3", "online", now, 0L);
            }
            if (now == powerCut + 90_000) {
                scenario.status("food-forest", "bed-3", "offline", null, null); // its Last Will
            }
            scenario.tick();
        }

        assertThat(scenario.seen()).containsExactly(
                new Scenario.Seen("silent", "bed-3", null, at("10:15"), at("13:01")));
        Alert alert = scenario.alerts().get(0);
        assertThat(alert.message()).contains("food-forest/bed-3 has gone silent", "its last status said offline");
        assertThat(alert.late()).isFalse();
        assertThat(alert.detectedAt()).isBetween(ms("10:15"), ms("10:15") + 10_000);
        assertThat(alert.resolution()).isEqualTo("Readings arrive again.");
    }

    @Test
    void silentDeviceWhoseReadingsArriveLater_hasItsAbsenceResolvedAsDelayed() {
        Scenario scenario = Scenario.withDefaults();
        Day bed = Day.between(DAY, at("12:00"), MINUTE)
                .sensor("soil-a", "soil_moisture", t -> 30 - Day.hour(t) * 0.1)
                .sensor("soil-temp", "soil_temperature", t -> 15 + Day.hour(t) * 0.2);
        List<Day.Message> messages = bed.messages();
        live(scenario, "food-forest", "bed-4", messages.subList(0, 6 * 60)); // live until 06:00, then no network
        for (long now = ms("06:00"); now < ms("12:00"); now += 60_000) {
            scenario.now(now);
            scenario.tick();
        }

        List<Reading> backlog = messages.subList(6 * 60, messages.size()).stream()
                .flatMap(m -> m.readings().stream()).toList();
        scenario.readings("food-forest", "bed-4", backlog);

        assertThat(scenario.seen()).containsExactly(
                new Scenario.Seen("silent", "bed-4", null, at("06:14"), at("06:14")));
        assertThat(scenario.alerts().get(0).resolution()).contains("delayed, not silent");
    }

    @Test
    void atAHub_aSiteWhoseLinkIsDown_hasNoSilentDevices_whileASiteItHearsDoes() {
        AtomicLong orchardLinkedSince = new AtomicLong(-1);
        Scenario scenario = Scenario.withDefaults().hearing((site, since) -> site.equals("orchard")
                ? (orchardLinkedSince.get() < 0 ? -1 : Math.max(since, orchardLinkedSince.get())) : since);
        Day bed = Day.between(DAY, at("12:00"), MINUTE)
                .sensor("soil-a", "soil_moisture", t -> 30 - Day.hour(t) * 0.1);
        List<Day.Message> messages = bed.messages();
        // Both sites report until 06:00; then a bed at the food forest dies, and the orchard's link goes down.
        for (Day.Message m : messages.subList(0, 6 * 60)) {
            scenario.now(m.t() + 1_000);
            scenario.readings("food-forest", "bed-4", m.readings());
            scenario.readings("orchard", "row-1", m.readings());
            scenario.tick();
        }
        for (long now = ms("06:00"); now < ms("09:00"); now += 60_000) {
            scenario.now(now);
            scenario.tick();
        }
        orchardLinkedSince.set(ms("09:00")); // the link is back: live readings first, then the backlog
        for (Day.Message m : messages.subList(6 * 60, messages.size())) {
            scenario.now(Math.max(ms("09:00"), m.t()) + 1_000);
            scenario.readings("orchard", "row-1", m.readings());
            scenario.tick();
        }

        assertThat(scenario.seen()).containsExactly(new Scenario.Seen("silent", "bed-4", null, at("06:14"), null));
    }

    @Test
    void deviceOnlineWithReadingsInItsOutbox_isDelayedNotAbsent() {
        Scenario scenario = Scenario.withDefaults();
        Day bed = Day.between(DAY, at("20:00"), MINUTE)
                .sensor("soil-a", "soil_moisture", t -> 30 - Day.hour(t) * 0.1)
                .sensor("soil-temp", "soil_temperature", t -> 15 + Day.hour(t) * 0.2);
        List<Day.Message> messages = bed.messages();
        live(scenario, "food-forest", "bed-5", messages.subList(0, 8 * 60));

        for (long now = ms("08:00"); now < ms("20:00"); now += 60_000) {
            scenario.now(now);
            scenario.status("food-forest", "bed-5", "online", now - 2_000, (now - ms("08:00")) / 30_000);
            scenario.tick();
        }
        scenario.readings("food-forest", "bed-5", messages.subList(8 * 60, messages.size()).stream()
                .flatMap(m -> m.readings().stream()).toList());
        scenario.now(ms("20:01"));
        scenario.tick();

        assertThat(scenario.seen()).isEmpty();
    }

    @Test
    void oneSilentSensorOfADeviceThatStillReports_raisesForThatSensor() {
        Scenario scenario = Scenario.withDefaults();
        Day bed = Day.between(DAY, at("04:00"), MINUTE)
                .sensor("soil-a", "soil_moisture", t -> 30 - Day.hour(t) * 0.1)
                .sensor("soil-b", "soil_moisture", t -> t < ms("02:00") ? 29 - Day.hour(t) * 0.1 : null);

        live(scenario, "food-forest", "bed-6", bed.messages());

        // soil-b reported every minute until 01:59; ten intervals are less than the 15-minute floor.
        assertThat(scenario.seen()).containsExactly(new Scenario.Seen("silent", "bed-6", "soil-b", at("02:14"), null));
        assertThat(scenario.alerts().get(0).message()).contains("No readings from food-forest/bed-6/soil-b",
                "usually reports every 1 minute");
    }
}
