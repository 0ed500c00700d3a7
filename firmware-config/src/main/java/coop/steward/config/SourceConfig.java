package coop.steward.config;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Where a sensor's raw value comes from.
 *
 * @param type    the driver, such as {@code simulated} or {@code ads1115}
 * @param options the source block's other keys as written (plain strings, numbers, booleans, lists and maps)
 * @param wiring  the same keys, checked and typed
 */
public record SourceConfig(String type, Map<String, Object> options, Wiring wiring) {
    public static final String SIMULATED = "simulated";
    public static final String ADS1115 = "ads1115";
    public static final String MCP3008 = "mcp3008";
    public static final String FLOW_METER = "flow-meter";
    public static final String INA219 = "ina219";
    public static final String INA226 = "ina226";
    public static final String DS18B20 = "ds18b20";
    public static final String GPIO_INPUT = "gpio-input";
    public static final Set<String> SUPPORTED_TYPES = Set.of(SIMULATED, ADS1115, MCP3008, FLOW_METER, INA219,
            INA226, DS18B20, GPIO_INPUT);

    public SourceConfig {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(wiring, "wiring");
        options = Map.copyOf(options);
    }

    /** A simulated source: the only type that needs no wiring. */
    public SourceConfig(String type, Map<String, Object> options) {
        this(type, options, simulatedOnly(type));
    }

    /** True when the source needs the Pi's GPIO, I2C or SPI (through Pi4J); the simulator and 1-Wire do not. */
    public boolean usesPi4j() {
        return !(wiring instanceof Wiring.Simulated || wiring instanceof Wiring.Ds18b20);
    }

    private static Wiring simulatedOnly(String type) {
        if (!SIMULATED.equals(type)) {
            throw new IllegalArgumentException("a " + type + " source needs its wiring; only a simulated source "
                    + "has none");
        }
        return new Wiring.Simulated();
    }
}
