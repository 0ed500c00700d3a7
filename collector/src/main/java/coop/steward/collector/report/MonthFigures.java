package coop.steward.collector.report;

import java.time.YearMonth;

/**
 * One site's month: water and energy its meters counted (null without a meter of that kind with readings that
 * month), energy per kW of rated peak power (null without arrays), alerts opened that month, and the median time
 * to their acknowledgement (null when none was acknowledged). {@code complete} is false until the month is over.
 */
public record MonthFigures(YearMonth month, boolean complete, Double waterL, Double energyKWh, Double specificYield,
                           int alertsRaised, Double medianAckMinutes) {
}
