package coop.steward.agent.sensor.sim;

import static coop.steward.agent.sensor.sim.Times.DAY;
import static coop.steward.agent.sensor.sim.Times.HOUR;
import static coop.steward.agent.sensor.sim.Times.MINUTE;
import static coop.steward.agent.sensor.sim.Times.WEEK;
import static coop.steward.agent.sensor.sim.Times.at;
import static coop.steward.agent.sensor.sim.Times.every;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;
import static org.junit.jupiter.api.Assertions.assertTimeout;

import coop.steward.protocol.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SimulatedSiteTest {
    private static final List<String> KINDS = StreamSupport.stream(Kind.standardKinds().spliterator(), false)
            .map(Kind::name).toList();

    @Test
    void supports_everyStandardKindAndUserKinds_only() {
        assertThat(KINDS).allMatch(SimulatedSite::supports);
        assertThat(SimulatedSite.supports("x_ph")).isTrue();
        assertThat(SimulatedSite.supports("wind_speed")).isFalse();
        assertThat(SimulatedSite.supports(null)).isFalse();
    }

    @Test
    void unknownKind_isRefused_namingKindAndSensor() {
        SimulatedSite site = new SimulatedSite(1, 45, 400);

        assertThatThrownBy(() -> site.read("wind_speed", "mast", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("wind_speed").hasMessageContaining("mast");
    }

    @ParameterizedTest
    @CsvSource({"91, 400, latitudeDeg", "NaN, 400, latitudeDeg", "45, 0, peakPowerW", "45, -5, peakPowerW",
            "45, Infinity, peakPowerW"})
    void impossibleSite_isRefused_namingTheParameter(double latitude, double peakPowerW, String parameter) {
        assertThatThrownBy(() -> new SimulatedSite(1, latitude, peakPowerW))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(parameter);
    }

    @ParameterizedTest
    @CsvSource({"17, 51.5, 400, 2026-06-28T00:00:00Z", "7, 51.5, 2400, 2026-11-20T00:00:00Z",
            "3, -35, 400, 2026-01-10T00:00:00Z", "5, 69, 400, 2026-12-18T00:00:00Z", "9, 2, 150, 2026-03-18T00:00:00Z"})
    void everyKind_staysWithinTheContractAndPlausibleBounds_forAWeek(long seed, double latitude, double peakPowerW,
            String from) {
        SimulatedSite site = new SimulatedSite(seed, latitude, peakPowerW);

        every(10 * MINUTE, at(from), at(from) + WEEK, t -> {
            for (String kind : KINDS) {
                double value = site.read(kind, "s1", t);
                assertThat(Kind.lookup(kind).orElseThrow().accepts(value))
                        .as("%s = %s at %d", kind, value, t).isTrue();
            }
            assertThat(site.read("soil_moisture", "s1", t)).isBetween(15.0, 40.0);
            assertThat(site.read("flow_rate", "s1", t)).isBetween(0.0, 8.0);
            assertThat(site.read("battery_soc", "s1", t)).isBetween(5.0, 100.0);
            assertThat(site.read("battery_voltage", "s1", t)).isBetween(11.8, 14.0);
            assertThat(site.read("solar_voltage", "s1", t)).isBetween(0.0, 45.0);
            assertThat(site.read("solar_current", "s1", t)).isBetween(0.0, peakPowerW / 25);
            assertThat(site.read("solar_power", "s1", t)).isLessThanOrEqualTo(peakPowerW);
            assertThat(site.read("air_temperature", "s1", t)).isBetween(-40.0, 50.0);
            assertThat(site.read("x_anything", "s1", t)).isBetween(30.0, 70.0);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"water_total", "energy_total"})
    void meters_neverDecrease_overAWeek(String kind) {
        SimulatedSite site = new SimulatedSite(17, 45, 400);
        double[] last = {Double.NEGATIVE_INFINITY};

        every(10 * MINUTE, at("2026-07-01T00:00:00Z"), at("2026-07-08T00:00:00Z"), t -> {
            double value = site.read(kind, "meter", t);
            assertThat(value).as("%s at %d", kind, t).isGreaterThanOrEqualTo(last[0]);
            last[0] = value;
        });
        assertThat(last[0]).isGreaterThan(site.read(kind, "meter", at("2026-07-01T00:00:00Z")));
    }

    /** 06:10 ends a simulated day; days are simulated in runs of 30 from 2026-01-01, counted backwards before it. */
    @ParameterizedTest
    @ValueSource(strings = {"2026-07-02T06:10:00Z", "2026-01-31T06:10:00Z", "2026-01-01T06:10:00Z",
            "2025-12-02T06:10:00Z"})
    void meters_neverStepBack_whereOneSimulatedDayHandsOverToTheNext(String handover) {
        SimulatedSite site = new SimulatedSite(17, 45, 400);
        for (String kind : List.of("water_total", "energy_total")) {
            double last = Double.NEGATIVE_INFINITY;
            for (long t = at(handover) - 2 * MINUTE; t < at(handover) + 2 * MINUTE; t += 250) {
                double value = site.read(kind, "meter", t);
                assertThat(value).as("%s at %d", kind, t).isGreaterThanOrEqualTo(last);
                last = value;
            }
        }
    }

    @Test
    void sameSeedAndTime_giveTheSameValue_inAnyOrderOfCalls() {
        long from = at("2026-08-03T00:00:00Z");
        List<Long> instants = new ArrayList<>();
        every(53 * MINUTE, from, from + WEEK, instants::add);
        SimulatedSite forwards = new SimulatedSite(42, 48, 600);
        SimulatedSite backwards = new SimulatedSite(42, 48, 600);

        List<Double> read = new ArrayList<>();
        for (long t : instants) {
            KINDS.forEach(kind -> read.add(forwards.read(kind, "s", t)));
        }
        List<Double> reread = new ArrayList<>();
        List<String> kindsBackwards = new ArrayList<>(KINDS);
        Collections.reverse(instants);
        Collections.reverse(kindsBackwards);
        for (long t : instants) {
            // Reads far away in between (one before 2026), so days are simulated again rather than remembered.
            for (long away : new long[] {-300 * DAY, -90 * DAY, 30 * DAY}) {
                backwards.read("battery_soc", "s", t + away);
            }
            kindsBackwards.forEach(kind -> reread.add(backwards.read(kind, "s", t)));
        }
        Collections.reverse(reread);

        assertThat(reread).isEqualTo(read);
    }

    @Test
    void differentSeeds_giveDifferentDays() {
        SimulatedSite one = new SimulatedSite(1, 50, 400);
        SimulatedSite two = new SimulatedSite(2, 50, 400);
        long noon = at("2026-05-14T12:00:00Z");

        for (String kind : List.of("soil_moisture", "air_temperature", "humidity", "irradiance", "water_total",
                "energy_total", "battery_soc")) {
            List<Double> first = new ArrayList<>();
            List<Double> second = new ArrayList<>();
            every(HOUR, noon - DAY, noon + DAY, t -> {
                first.add(one.read(kind, "s", t));
                second.add(two.read(kind, "s", t));
            });
            assertThat(first).as(kind).isNotEqualTo(second);
        }
    }

    @Test
    void twoSoilSensorsInOneBed_readCloseButNotTheSame() {
        SimulatedSite site = new SimulatedSite(17, 51.5, 400);

        every(15 * MINUTE, at("2026-07-10T00:00:00Z"), at("2026-07-12T00:00:00Z"), t -> {
            double a = site.read("soil_moisture", "soil-a", t);
            double b = site.read("soil_moisture", "soil-b", t);
            assertThat(a).isNotEqualTo(b).isCloseTo(b, offset(4.0));
        });
    }

    @Test
    void eightSensorsAtOneHertz_costLittleOnceTheSiteIsWarm() {
        SimulatedSite site = new SimulatedSite(7, 51.5, 2400);
        long from = at("2026-11-25T21:00:00Z");
        List<String> kinds = List.of("solar_power", "solar_voltage", "solar_current", "irradiance", "energy_total",
                "battery_voltage", "battery_soc", "air_temperature");
        site.read("battery_soc", "warm-up", from);

        assertTimeout(Duration.ofSeconds(5), () -> every(1000, from, from + HOUR,
                t -> kinds.forEach(kind -> site.read(kind, kind, t))));
    }
}
