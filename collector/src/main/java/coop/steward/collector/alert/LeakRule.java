package coop.steward.collector.alert;

import coop.steward.collector.config.RuleConfig;
import java.util.Set;

/**
 * Water flowing while every valve of the device is closed. While a valve is open the flow is the watering's and
 * says nothing about a leak, so a pending leak starts again and a raised one waits for the valve to close.
 */
final class LeakRule implements Rule {
    static final String FLOW = "flow_rate";

    private final RuleConfig.Leak config;
    private final long holdMs;
    private final ValveStates valves = new ValveStates();

    LeakRule(RuleConfig.Leak config) {
        this.config = config;
        this.holdMs = config.hold().toMillis();
    }

    @Override
    public RuleConfig.Basics basics() {
        return config.basics();
    }

    @Override
    public Set<String> kinds() {
        return Set.of(FLOW, ValveStates.KIND);
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
            return; // no valve sensor: flow alone cannot tell a leak from a watering
        }
        Episode episode = Episode.of(this, s, holdMs, sink);
        if (open) {
            episode.neither();
        } else if (s.value() > config.flowAbove()) {
            if (episode.met(s.t()) == Episode.Step.RAISE) {
                sink.raise(new Finding(basics(), s.subject(), s.t(), s.value(), "Water is flowing at "
                        + s.subject().path() + " while the valve is closed: " + Wording.value(s.value(), FLOW)
                        + " since " + Wording.time(episode.since()) + " (more than "
                        + Wording.value(config.flowAbove(), FLOW) + ").", episode.since()));
            }
        } else if (s.value() <= config.clearBelow()) {
            if (episode.cleared() == Episode.Step.CLEAR) {
                sink.clear(id(), s.subject(), s.t(), "No water flows with the valve closed any more.");
            }
        } else {
            episode.neither();
        }
    }

    @Override
    public void forget(String site) {
        valves.forget(site);
    }
}
