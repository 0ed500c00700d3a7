package coop.steward.collector.store;

import java.util.Objects;

/** A series is one sensor of one device of one site. */
public record SeriesKey(String site, String device, String sensor) {
    /**
     * The record's own equals and hashCode, written out: the stores' writers look a key up for every reading, and
     * the generated ones went through method handles that took a few % of the InfluxDB writer.
     */
    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof SeriesKey k && Objects.equals(site, k.site)
                && Objects.equals(device, k.device) && Objects.equals(sensor, k.sensor);
    }

    @Override
    public int hashCode() {
        return (31 * Objects.hashCode(site) + Objects.hashCode(device)) * 31 + Objects.hashCode(sensor);
    }
}
