package coop.steward.collector.config;

import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import java.util.Set;

/**
 * One alert rule as configured, checked and complete: one record per rule type. {@code docs/alerts.md} explains
 * every parameter; the shipped defaults under {@code alerts/} in the collector's jar say why each number is what it is.
 */
public sealed interface RuleConfig {

    Basics basics();

    default String id() {
        return basics().id();
    }

    /** What every rule has: its id (the alert's {@code rule}), severity, what it watches, and advice for people. */
    record Basics(String id, String type, Severity severity, RuleTarget target, String advice) {
    }

    /**
     * A value beyond {@code limit} (below it, or above it when {@code below} is false) for {@code hold}; cleared only
     * once back past the limit by {@code hysteresis}.
     */
    record Threshold(Basics basics, String kind, boolean below, double limit, double hysteresis, Duration hold)
            implements RuleConfig {
    }

    /**
     * A sensor silent for longer than {@code intervals} of its own reporting intervals (and at least
     * {@code atLeast}); a device silent as a whole gets one alert for the device instead. Sensors are watched
     * once {@code learnReadings} readings showed their interval.
     */
    record Absence(Basics basics, Set<String> kinds, int intervals, Duration atLeast, int learnReadings)
            implements RuleConfig {
    }

    /** Flow above {@code flowAbove} L/min while the device's valve is closed, for {@code hold}. */
    record Leak(Basics basics, double flowAbove, double clearBelow, Duration hold) implements RuleConfig {
    }

    /** The device's valve open and flow below {@code flowBelow} L/min for {@code hold}: a blocked line or dry pump. */
    record NoFlow(Basics basics, double flowBelow, Duration hold) implements RuleConfig {
    }

    /** More than {@code litresPerDay} through the water meters of a site in one day of {@code zone}. */
    record WaterBudget(Basics basics, double litresPerDay, ZoneId zone) implements RuleConfig {
    }

    /**
     * Measured power below {@code below} times the expected power for {@code hold}: expected from the array's peak
     * power, irradiance and {@code performanceRatio}, or, without irradiance, from the sibling arrays of the site.
     */
    record SolarUnderperformance(Basics basics, double performanceRatio, double below, double clearAbove,
                                 double minIrradiance, double minSiblingYield, Duration hold, Duration maxSkew)
            implements RuleConfig {
    }

    /** A watering (valve opened, or flow started) after which a bed's soil moisture did not rise by {@code minRise}. */
    record WateringEffect(Basics basics, Duration within, double minRise, double expectBelow, double flowAbove)
            implements RuleConfig {
    }

    /** State of charge below {@code socBelow}, or without a charge sensor the voltage below {@code voltageBelow}. */
    record BatteryLow(Basics basics, double socBelow, double socHysteresis, double voltageBelow,
                      double voltageHysteresis, Duration hold) implements RuleConfig {
    }

    /** A value that stays within {@code tolerance} of itself for {@code hold}: a stuck sensor. */
    record Stuck(Basics basics, Set<String> kinds, Duration hold, double tolerance) implements RuleConfig {
    }

    /** A value outside what is physically possible for its kind; cleared after {@code clearAfter} of sane values. */
    record Range(Basics basics, Map<String, Limits> limits, Duration clearAfter) implements RuleConfig {
    }

    /** Inclusive bounds of a plausible value. */
    record Limits(double min, double max) {
        public boolean contains(double value) {
            return value >= min && value <= max;
        }
    }
}
