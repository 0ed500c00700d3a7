package coop.steward.collector.alert;

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

    /** {@code site/device/sensor}, as people read it in messages. */
    String path() {
        return site + (device == null ? "" : "/" + device) + (sensor == null ? "" : "/" + sensor);
    }
}
