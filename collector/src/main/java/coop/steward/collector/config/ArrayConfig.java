package coop.steward.collector.config;

/**
 * A solar array or string as the underperformance rule knows it: the {@code solar_power} sensor of a device (every
 * one of that device when {@code sensor} is null) and its rated peak power in watts.
 */
public record ArrayConfig(String site, String device, String sensor, double peakPowerW) {
    public boolean covers(String site, String device, String sensor) {
        return this.site.equals(site) && this.device.equals(device) && (this.sensor == null || this.sensor.equals(sensor));
    }
}
