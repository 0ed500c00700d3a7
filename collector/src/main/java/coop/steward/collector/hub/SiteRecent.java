package coop.steward.collector.hub;

import coop.steward.collector.store.DeviceStatus;
import coop.steward.collector.store.ReadingStore;
import coop.steward.collector.store.SensorSummary;
import coop.steward.collector.store.SeriesData;
import coop.steward.collector.store.SeriesQuery;
import coop.steward.protocol.Reading;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * What a collector taking over a site's alerts reads of it from the hub's store: its devices' statuses, every
 * reading of the last {@link #WINDOW_MS}, and the last reading of each series that was silent all that time, so
 * that the rules learn what was open, how long it has been, and who went quiet. The readings are each with its
 * device, in data order across the site's devices: a rule that compares devices (siblings, a weather station's
 * irradiance) sees them as they came.
 */
record SiteRecent(List<DeviceStatus> statuses, List<Map.Entry<String, Reading>> readings) {
    /** Two hours: longer than any shipped rule's duration ({@code for}), and the learning of intervals. */
    static final long WINDOW_MS = 2 * 3_600_000L;
    private static final int MOST_PER_SERIES = 100_000;

    /** Blocking. */
    static SiteRecent load(ReadingStore store, String site, long now) {
        List<DeviceStatus> statuses = store.devices().stream().filter(d -> d.site().equals(site)).toList();
        List<Map.Entry<String, Reading>> readings = new ArrayList<>();
        for (SensorSummary sensor : store.sensors()) {
            if (!sensor.key().site().equals(site)) {
                continue;
            }
            SeriesData data = store.query(SeriesQuery.raw(sensor.key(), now - WINDOW_MS, now + 60_000,
                    MOST_PER_SERIES));
            String device = sensor.key().device();
            for (int i = 0; i < data.t().length; i++) {
                readings.add(Map.entry(device, new Reading(sensor.key().sensor(), sensor.kind(), data.t()[i],
                        data.value()[i], sensor.unit())));
            }
            if (data.t().length == 0 && sensor.last() != null) {
                readings.add(Map.entry(device, new Reading(sensor.key().sensor(), sensor.kind(), sensor.last().t(),
                        sensor.last().value(), sensor.unit())));
            }
        }
        readings.sort(Comparator.comparingLong((Map.Entry<String, Reading> e) -> e.getValue().t())
                .thenComparing(Map.Entry::getKey));
        return new SiteRecent(statuses, readings);
    }
}
