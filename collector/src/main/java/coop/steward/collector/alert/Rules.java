package coop.steward.collector.alert;

import coop.steward.collector.config.AlertsConfig;
import coop.steward.collector.config.RuleConfig;
import java.util.ArrayList;
import java.util.List;

/** Builds the rule of each configured type. */
final class Rules {
    private Rules() {
    }

    static List<Rule> of(AlertsConfig config) {
        List<Rule> rules = new ArrayList<>();
        for (RuleConfig rule : config.rules()) {
            rules.add(of(rule, config));
        }
        return rules;
    }

    private static Rule of(RuleConfig rule, AlertsConfig config) {
        if (rule instanceof RuleConfig.Threshold c) {
            return new ThresholdRule(c);
        } else if (rule instanceof RuleConfig.Absence c) {
            return new AbsenceRule(c);
        } else if (rule instanceof RuleConfig.Leak c) {
            return new LeakRule(c);
        } else if (rule instanceof RuleConfig.NoFlow c) {
            return new NoFlowRule(c);
        } else if (rule instanceof RuleConfig.WaterBudget c) {
            return new WaterBudgetRule(c);
        } else if (rule instanceof RuleConfig.SolarUnderperformance c) {
            return new SolarUnderperformanceRule(c, config.arrays());
        } else if (rule instanceof RuleConfig.WateringEffect c) {
            return new WateringEffectRule(c);
        } else if (rule instanceof RuleConfig.BatteryLow c) {
            return new BatteryLowRule(c);
        } else if (rule instanceof RuleConfig.Stuck c) {
            return new StuckRule(c);
        } else if (rule instanceof RuleConfig.Range c) {
            return new RangeRule(c);
        }
        throw new IllegalArgumentException("no rule for " + rule.getClass().getSimpleName());
    }
}
