package coop.steward.protocol;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A measured quantity of the contract's kind table: its unit and the values that are physically possible.
 * User kinds ({@code x_<name>}) accept any unit and any finite value.
 */
public record Kind(String name, String unit, double min, double max, boolean binary) {
    private static final Pattern USER_KIND = Pattern.compile("x_[a-z0-9_]{1,62}");
    private static final Map<String, Kind> STANDARD = new LinkedHashMap<>();

    static {
        standard("soil_moisture", "%", 0, 100);
        standard("soil_temperature", "C");
        standard("air_temperature", "C");
        standard("humidity", "%", 0, 100);
        standard("flow_rate", "L/min", 0, Double.POSITIVE_INFINITY);
        standard("water_total", "L");
        STANDARD.put("valve_state", new Kind("valve_state", "state", 0, 1, true));
        standard("solar_power", "W", 0, Double.POSITIVE_INFINITY);
        standard("solar_voltage", "V");
        standard("solar_current", "A");
        standard("energy_total", "Wh");
        standard("irradiance", "W/m2", 0, Double.POSITIVE_INFINITY);
        standard("battery_voltage", "V");
        standard("battery_soc", "%", 0, 100);
    }

    private static void standard(String name, String unit) {
        standard(name, unit, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
    }

    private static void standard(String name, String unit, double min, double max) {
        STANDARD.put(name, new Kind(name, unit, min, max, false));
    }

    /** The kind of that exact name (case-sensitive), or empty when the contract does not know it. */
    public static Optional<Kind> lookup(String name) {
        if (name == null) {
            return Optional.empty();
        }
        Kind kind = STANDARD.get(name);
        if (kind != null) {
            return Optional.of(kind);
        }
        if (USER_KIND.matcher(name).matches()) {
            return Optional.of(new Kind(name, null, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, false));
        }
        return Optional.empty();
    }

    public static Iterable<Kind> standardKinds() {
        return STANDARD.values();
    }

    public static String standardNames() {
        return String.join(", ", STANDARD.keySet()) + " or x_<name>";
    }

    public boolean isUserKind() {
        return unit == null;
    }

    /** True when a reading may carry this unit: the kind's own, or any unit for a user kind. */
    public boolean acceptsUnit(String candidate) {
        return isUserKind() || unit.equals(candidate);
    }

    public boolean accepts(double value) {
        if (binary) {
            return value == 0 || value == 1;
        }
        return value >= min && value <= max;
    }

    /** The allowed range as a person would write it, for error messages. */
    public String describeRange() {
        if (binary) {
            return "0 (closed) or 1 (open)";
        }
        if (Double.isInfinite(max)) {
            return ">= " + format(min);
        }
        return format(min) + ".." + format(max);
    }

    private static String format(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
