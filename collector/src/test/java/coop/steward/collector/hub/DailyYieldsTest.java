package coop.steward.collector.hub;

import static org.assertj.core.api.Assertions.assertThat;

import coop.steward.collector.config.ArrayConfig;
import coop.steward.collector.store.DeviceReadings;
import coop.steward.collector.store.ReadingStore;
import coop.steward.collector.store.SqliteReadingStore;
import coop.steward.protocol.Reading;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Daily specific yields read from a real embedded store. */
class DailyYieldsTest {
    private static final ZoneId ZONE = ZoneId.of("America/New_York");
    private static final LocalDate DAY = LocalDate.of(2026, 6, 1);

    @TempDir
    Path dir;
    private ReadingStore store;

    @BeforeEach
    void open() {
        store = SqliteReadingStore.open(dir);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aDaysYieldIsItsHourlyMeanWattsSummedOverTheSitesOwnDay_perRatedWatt() {
        // 1,000 W for six hours of the site's day, and readings every 10 minutes: 6 kWh from 2 kWp is 3 kWh/kWp.
        write("string-a", DAY, 1_000, Set.of());
        ArrayConfig array = new ArrayConfig("orchard", "inverter", "string-a", 2_000);

        assertThat(yields(array, DAY, DAY)).containsExactly(Map.entry(DAY, 3.0));
    }

    @Test
    void anArrayOfEveryPowerSensorOfItsDeviceSumsThem() {
        write("string-a", DAY, 1_000, Set.of());
        write("string-b", DAY, 500, Set.of());
        ArrayConfig array = new ArrayConfig("orchard", "inverter", null, 3_000);

        assertThat(yields(array, DAY, DAY)).containsExactly(Map.entry(DAY, 3.0));
    }

    @Test
    void aDayMissingMoreThanOneHourDoesNotCount_forItWouldPassForAPoorDay() {
        write("string-a", DAY, 1_000, Set.of(11));
        write("string-a", DAY.plusDays(1), 1_000, Set.of(11, 12));
        ArrayConfig array = new ArrayConfig("orchard", "inverter", "string-a", 2_000);

        assertThat(yields(array, DAY, DAY.plusDays(1))).containsOnlyKeys(DAY);
        assertThat(yields(array, DAY, DAY.plusDays(1)).get(DAY)).as("one hour short").isEqualTo(2.5);
    }

    @Test
    void onlyTheDaysAskedForAreGiven() {
        write("string-a", DAY, 1_000, Set.of());
        write("string-a", DAY.plusDays(1), 1_000, Set.of());
        ArrayConfig array = new ArrayConfig("orchard", "inverter", "string-a", 2_000);

        assertThat(yields(array, DAY.plusDays(1), DAY.plusDays(1))).containsOnlyKeys(DAY.plusDays(1));
    }

    private TreeMap<LocalDate, Double> yields(ArrayConfig array, LocalDate first, LocalDate last) {
        return DailyYields.of(store, array, store.sensors(), ZONE, first, last);
    }

    /** Readings every 10 minutes of the site's day, {@code watts} from 10:00 to 16:00, none in {@code missing} hours. */
    private void write(String sensor, LocalDate day, double watts, Set<Integer> missing) {
        long midnight = day.atStartOfDay(ZONE).toInstant().toEpochMilli();
        List<Reading> readings = new ArrayList<>();
        for (int minute = 0; minute < 24 * 60; minute += 10) {
            int hour = minute / 60;
            if (!missing.contains(hour)) {
                readings.add(new Reading(sensor, "solar_power", midnight + minute * 60_000L,
                        hour >= 10 && hour < 16 ? watts : 0, "W"));
            }
        }
        store.write(List.of(new DeviceReadings("orchard", "inverter", readings, midnight)), List.of());
    }
}
