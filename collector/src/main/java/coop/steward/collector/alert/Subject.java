package coop.steward.collector.alert;

import java.util.Objects;

/**
 * What an alert is about: a sensor (all three set), a whole device ({@code sensor} null) or a whole site
 * ({@code device} and {@code sensor} null). One rule has at most one alert per subject at a time.
 */
record Subject(String site, String device, String sensor) {
    static Subject site(String site) {
        return new Subject(site, null, null);
    }

    static Subject device(String site, String device) {
        return new Subject(site, device, null);
    }

    /**
     * The record's own equals and hashCode, written out: the rules find their state by subject for every reading, and
     * the generated ones went through method handles that took a few % of it.
     */
    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof Subject s && Objects.equals(site, s.site) && Objects.equals(device, s.device)
                && Objects.equals(sensor, s.sensor);
    }

    @Override
    public int hashCode() {
        return (31 * Objects.hashCode(site) + Objects.hashCode(device)) * 31 + Objects.hashCode(sensor);
    }

    /** {@code site/device/sensor}, as people read it in messages. */
    String path() {
        return site + (device == null ? "" : "/" + device) + (sensor == null ? "" : "/" + sensor);
    }
}
