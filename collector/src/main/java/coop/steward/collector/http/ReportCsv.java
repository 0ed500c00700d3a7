package coop.steward.collector.http;

import coop.steward.collector.report.MonthFigures;
import coop.steward.collector.report.SiteReport;
import java.util.List;

/** The community report as CSV, one row per site and month, for a spreadsheet or the community's newsletter. */
final class ReportCsv {
    static final String FILE_NAME = "steward-report.csv";
    static final String HEADER = "site,month,complete,water_l,energy_kwh,specific_yield_kwh_per_kwp,alerts_raised,"
            + "median_ack_minutes";

    private ReportCsv() {
    }

    /** A figure that is not known (null in JSON) is an empty field. */
    static String render(List<SiteReport> reports) {
        StringBuilder csv = new StringBuilder(HEADER).append("\r\n");
        for (SiteReport site : reports) {
            for (MonthFigures m : site.months()) {
                csv.append(site.site()).append(',').append(m.month()).append(',').append(m.complete()).append(',')
                        .append(number(m.waterL())).append(',').append(number(m.energyKWh())).append(',')
                        .append(number(m.specificYield())).append(',').append(m.alertsRaised()).append(',')
                        .append(number(m.medianAckMinutes())).append("\r\n");
            }
        }
        return csv.toString();
    }

    private static String number(Double value) {
        return value == null ? "" : SeriesCsv.number(value);
    }
}
