package coop.steward.collector.config;

import java.util.List;

/**
 * A solar array or string as the underperformance rule and a hub's neighbour comparison know it: the
 * {@code solar_power} sensor of a device (every one of that device when {@code sensor} is null), its rated peak
 * power in watts, and which way it faces ({@link #FACINGS}), or null when nobody said.
 */
public record ArrayConfig(String site, String device, String sensor, double peakPowerW, String facing) {
    /** The ways an array may face; a hub compares an array that faces one way only with arrays facing the same. */
    public static final List<String> FACINGS = List.of("north", "north-east", "east", "south-east", "south",
            "south-west", "west", "north-west", "east-west", "flat");

    public ArrayConfig(String site, String device, String sensor, double peakPowerW) {
        this(site, device, sensor, peakPowerW, null);
    }

    public boolean covers(String site, String device, String sensor) {
        return this.site.equals(site) && this.device.equals(device) && (this.sensor == null || this.sensor.equals(sensor));
    }
}
