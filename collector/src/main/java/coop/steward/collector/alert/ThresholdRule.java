package coop.steward.collector.alert;

import coop.steward.collector.config.RuleConfig;
import java.util.Set;

/** A value beyond a limit for a while (in either direction), cleared only once back past the limit by the hysteresis. */
final class ThresholdRule implements Rule {
    private final RuleConfig.Threshold config;
    private final long holdMs;
    private final double clearAt;

    ThresholdRule(RuleConfig.Threshold config) {
        this.config = config;
        this.holdMs = config.hold().toMillis();
        this.clearAt = config.below() ? config.limit() + config.hysteresis() : config.limit() - config.hysteresis();
    }

    @Override
    public RuleConfig.Basics basics() {
        return config.basics();
    }

    @Override
    public Set<String> kinds() {
        return Set.of(config.kind());
    }

    @Override
    public void accept(Sample s, AlertSink sink) {
        if (!config.basics().target().matches(s.site(), s.device(), s.sensor())) {
            return;
        }
        Episode episode = Episode.of(this, s, holdMs, sink);
        double v = s.value();
        boolean beyond = config.below() ? v < config.limit() : v > config.limit();
        boolean back = config.below() ? v >= clearAt : v <= clearAt;
        if (beyond) {
            if (episode.met(s.t()) == Episode.Step.RAISE) {
                sink.raise(new Finding(basics(), s.subject(), s.t(), v, message(s, episode.since()), episode.since()));
            }
        } else if (back) {
            if (episode.cleared() == Episode.Step.CLEAR) {
                sink.clear(id(), s.subject(), s.t(), Wording.capitalised(Wording.kind(s.kind())) + " is back at "
                        + Wording.value(v, s.kind()) + ".");
            }
        } else {
            episode.neither();
        }
    }

    private String message(Sample s, long since) {
        String direction = config.below() ? "below " : "above ";
        String held = s.t() - since >= 60_000 ? " since " + Wording.time(since) + " (" + Wording.duration(s.t() - since)
                + ")" : "";
        return Wording.capitalised(Wording.kind(s.kind())) + " at " + s.subject().path() + " has been " + direction
                + Wording.value(config.limit(), s.kind()) + held + ": it reads " + Wording.value(s.value(), s.kind())
                + ".";
    }
}
