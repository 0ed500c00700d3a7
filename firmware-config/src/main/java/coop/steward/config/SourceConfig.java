package coop.steward.config;

import java.util.Map;
import java.util.Set;

/**
 * Where a sensor's raw value comes from.
 *
 * @param type    the driver, such as {@code simulated}
 * @param options the source block's other keys, for the driver to read (plain strings, numbers, booleans,
 *                lists and maps)
 */
public record SourceConfig(String type, Map<String, Object> options) {
    public static final String SIMULATED = "simulated";
    /** Real hardware drivers join this list as they are written. */
    public static final Set<String> SUPPORTED_TYPES = Set.of(SIMULATED);

    public SourceConfig {
        options = Map.copyOf(options);
    }
}
