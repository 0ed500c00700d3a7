package coop.steward.collector.report;

import java.time.ZoneId;
import java.util.List;

/** A site's months; {@code peakPowerW} is the rated peak power of all its arrays, null without arrays. */
public record SiteReport(String site, ZoneId zone, Double peakPowerW, List<MonthFigures> months) {
}
