package coop.steward.collector.alert;

import coop.steward.collector.config.RuleConfig;
import java.util.Set;

/**
 * A valve open and (almost) no flow: a blocked line, a clogged filter or a dry pump. Once raised it stays open
 * until a watering flows again, because a closed valve hides the problem rather than fixing it.
 */
final class NoFlowRule implements Rule {
    private final RuleConfig.NoFlow config;
    private final long holdMs;
    private final ValveStates valves = new ValveStates();

    NoFlowRule(RuleConfig.NoFlow config) {
        this.config = config;
        this.holdMs = config.hold().toMillis();
    }

    @Override
    public RuleConfig.Basics basics() {
        return config.basics();
    }

    @Override
    public Set<String> kinds() {
        return Set.of(LeakRule.FLOW, ValveStates.KIND);
    }

    @Override
    public void accept(Sample s, AlertSink sink) {
        if (ValveStates.KIND.equals(s.kind())) {
            valves.update(s);
            return;
        }
        if (!config.basics().target().matches(s.site(), s.device(), s.sensor())) {
            return;
        }
        Boolean open = valves.open(s.site(), s.device());
        if (open == null) {
            return;
        }
        Episode episode = Episode.of(this, s, holdMs, sink);
        if (!open) {
            episode.neither();
        } else if (s.value() < config.flowBelow()) {
            if (episode.met(s.t()) == Episode.Step.RAISE) {
                sink.raise(new Finding(basics(), s.subject(), s.t(), s.value(), "The valve of "
                        + Subject.device(s.site(), s.device()).path() + " has been open since "
                        + Wording.time(episode.since()) + " but " + s.sensor() + " measures only "
                        + Wording.value(s.value(), LeakRule.FLOW) + " (less than "
                        + Wording.value(config.flowBelow(), LeakRule.FLOW) + ").", episode.since()));
            }
        } else if (episode.cleared() == Episode.Step.CLEAR) {
            sink.clear(id(), s.subject(), s.t(), "Water flows again with the valve open ("
                    + Wording.value(s.value(), LeakRule.FLOW) + ").");
        }
    }

    @Override
    public void forget(String site) {
        valves.forget(site);
    }
}
