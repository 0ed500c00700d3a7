package coop.steward.collector.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import coop.steward.collector.config.Limits;
import coop.steward.collector.store.DeviceStatus;
import coop.steward.collector.store.SensorSummary;
import coop.steward.collector.store.SeriesKey;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CensusTest {
    @Test
    void newSeries_areAdmittedUntilTheLimit_andKnownOnesForEver() {
        Census census = new Census(new Limits(100, 3, 100));
        assertThat(census.admitSeries("s", "d1", "a")).isNull();
        assertThat(census.admitSeries("s", "d1", "b")).isNull();
        assertThat(census.admitSeries("s", "d2", "a")).isNull();

        assertThat(census.admitSeries("s", "d2", "b")).isEqualTo(Census.Full.SERIES);
        assertThat(census.admitSeries("s", "d1", "a")).as("known").isNull();
        assertThat(census.series()).isEqualTo(3);
        assertThat(census.devices()).isEqualTo(2);
    }

    @Test
    void oneDevice_cannotTakeEverySeriesFromTheOthers() {
        Census census = new Census(new Limits(100, 100, 2));
        census.admitSeries("s", "greedy", "a");
        census.admitSeries("s", "greedy", "b");

        assertThat(census.admitSeries("s", "greedy", "c")).isEqualTo(Census.Full.DEVICE_SENSORS);
        assertThat(census.admitSeries("s", "modest", "a")).isNull();
    }

    @Test
    void aNewDevice_isRefusedPastTheLimit_andTakesNoSlotWhenNoneOfItsSeriesFits() {
        Census census = new Census(new Limits(2, 1, 10));
        assertThat(census.admitDevice("s", "d1")).isTrue();
        assertThat(census.admitSeries("s", "d1", "a")).isNull();
        assertThat(census.admitSeries("s", "d2", "a")).as("no series left").isEqualTo(Census.Full.SERIES);
        assertThat(census.knows("s", "d2")).isFalse();

        assertThat(census.admitDevice("s", "d2")).as("a status of its own").isTrue();
        assertThat(census.admitDevice("s", "d3")).isFalse();
        assertThat(census.admitSeries("s", "d3", "a")).isEqualTo(Census.Full.DEVICES);
        assertThat(census.devices()).isEqualTo(2);
    }

    @Test
    void whatTheStoreHolds_isKnown_evenPastLimitsLoweredSince() {
        List<SensorSummary> stored = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            stored.add(new SensorSummary(new SeriesKey("s", "d" + i, "a"), "soil_moisture", "%", null));
        }
        Census census = Census.of(new Limits(2, 2, 1), List.of(new DeviceStatus("s", "quiet", "online", 1L)),
                stored);

        assertThat(census.devices()).isEqualTo(6);
        assertThat(census.series()).isEqualTo(5);
        assertThat(census.admitSeries("s", "d4", "a")).isNull();
        assertThat(census.knows("s", "quiet")).isTrue();
        assertThat(census.admitSeries("s", "d9", "a")).isEqualTo(Census.Full.DEVICES);
    }
}
