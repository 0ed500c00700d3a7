package coop.steward.collector.config;

/**
 * How many devices and series the collector keeps (the {@code store:} section). Everything it remembers per device
 * or per series, in memory and in the store, exists only for what these admit, so that a client holding valid
 * credentials that invents ids by the million cannot grow the collector without bound. Far above any community site:
 * see docs/protocol.md, "Limits".
 *
 * @param maxDevices          devices known at once; a new device past it is refused ({@code too_many_devices})
 * @param maxSeries           series known at once; a reading of a new series past it is refused
 *                            ({@code too_many_series})
 * @param maxSensorsPerDevice series of one device, so that one device cannot take every series from the others
 */
public record Limits(int maxDevices, int maxSeries, int maxSensorsPerDevice) {
    public static final Limits DEFAULT = new Limits(10_000, 100_000, 1_000);

    public Limits {
        if (maxDevices < 1 || maxSeries < 1 || maxSensorsPerDevice < 1) {
            throw new IllegalArgumentException("every limit must be at least 1: " + maxDevices + ", " + maxSeries
                    + ", " + maxSensorsPerDevice);
        }
    }
}
