package coop.steward.collector.alert;

import coop.steward.collector.config.Neighbours;
import coop.steward.collector.config.RuleConfig;
import coop.steward.collector.config.RuleTarget;
import coop.steward.collector.config.Severity;
import coop.steward.protocol.Ids;
import coop.steward.protocol.NeighbourReport;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * At a site that forwards to a hub: turns what the hub concluded of the site's arrays against their neighbours'
 * ({@code steward/v1/{site}/neighbours}) into the site's own alerts, under the hub's rule id. The hub judges; the
 * site raises for an array {@code below} and resolves once it is not, or once the hub no longer compares it. The
 * alert is the site's like any other: its stewards are told, acknowledge it and see it resolve.
 */
final class NeighbourVerdicts {
    static final String TYPE = "neighbours";
    private static final String ADVICE = "Look at it for new shade, dirt, snow or bird droppings, a tripped string "
            + "or a failing inverter.";

    private NeighbourVerdicts() {
    }

    /** Whether an alert of this rule comes from a hub's verdicts, and stays when the site's own rules change. */
    static boolean owns(String rule) {
        return Neighbours.RULE.equals(rule);
    }

    static void apply(String site, NeighbourReport report, AlertBook book) {
        if (!owns(report.rule())) {
            return; // a rule this version does not know: nothing of it is raised
        }
        RuleConfig.Basics basics = new RuleConfig.Basics(report.rule(), TYPE, severity(report.severity()),
                RuleTarget.ALL, ADVICE);
        Set<Subject> judged = new HashSet<>();
        for (NeighbourReport.Verdict v : report.arrays()) {
            if (!Ids.isValid(v.device()) || v.sensor() != null && !Ids.isValid(v.sensor())) {
                continue;
            }
            Subject subject = v.sensor() == null ? Subject.device(site, v.device())
                    : new Subject(site, v.device(), v.sensor());
            judged.add(subject);
            switch (v.state()) {
                case NeighbourReport.BELOW -> book.raise(new Finding(basics, subject, report.t(), v.yield(),
                        below(subject, v), v.since()));
                case NeighbourReport.FINE -> book.clear(report.rule(), subject, report.t(), "The array made "
                        + Wording.number(orZero(v.yield())) + " kWh per kWp on " + v.day() + ", "
                        + percent(v) + " of the median of " + v.peers() + " arrays at neighbouring sites ("
                        + Wording.number(orZero(v.median())) + ").");
                default -> book.clear(report.rule(), subject, report.t(), "The hub no longer compares the array "
                        + "with its neighbours: " + (v.why() == null ? "no recent day could be compared" : v.why())
                        + ".");
            }
        }
        List<Alert> gone = book.active().stream().filter(a -> owns(a.rule()) && a.site().equals(site)
                && !judged.contains(new Subject(a.site(), a.device(), a.sensor()))).toList();
        for (Alert alert : gone) {
            book.clear(alert.rule(), new Subject(alert.site(), alert.device(), alert.sensor()), report.t(),
                    "The hub no longer compares the array with its neighbours: the site no longer shares it, or "
                            + "it is no longer listed as an array.");
        }
    }

    private static String below(Subject subject, NeighbourReport.Verdict v) {
        return "The array " + subject.path() + " made " + Wording.number(orZero(v.yield())) + " kWh per kWp on "
                + v.day() + ", " + percent(v) + " of the median of " + v.peers() + " arrays at neighbouring sites ("
                + Wording.number(orZero(v.median())) + "), and has been below its neighbours for " + v.daysBelow()
                + " days in a row.";
    }

    private static String percent(NeighbourReport.Verdict v) {
        double median = orZero(v.median());
        return median <= 0 ? "?" : Math.round(100 * orZero(v.yield()) / median) + "%";
    }

    private static double orZero(Double value) {
        return value == null ? 0 : value;
    }

    private static Severity severity(String code) {
        try {
            return Severity.valueOf(code.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            return Severity.WARNING;
        }
    }
}
