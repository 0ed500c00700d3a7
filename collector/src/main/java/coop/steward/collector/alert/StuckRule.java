package coop.steward.collector.alert;

import coop.steward.collector.config.RuleConfig;
import java.util.Set;

/** A sensor whose value stays within a tolerance of itself for hours: frozen, or a driver repeating its last value. */
final class StuckRule implements Rule {
    private static final class Run {
        final Episode episode;
        double value = Double.NaN;

        Run(Episode episode) {
            this.episode = episode;
        }
    }

    private final RuleConfig.Stuck config;
    private final long holdMs;

    StuckRule(RuleConfig.Stuck config) {
        this.config = config;
        this.holdMs = config.hold().toMillis();
    }

    @Override
    public RuleConfig.Basics basics() {
        return config.basics();
    }

    @Override
    public Set<String> kinds() {
        return config.kinds();
    }

    @Override
    public void accept(Sample s, AlertSink sink) {
        if (!config.basics().target().matches(s.site(), s.device(), s.sensor())) {
            return;
        }
        Run run = s.memory().of(this);
        if (run == null) {
            run = new Run(new Episode(holdMs, sink.isActive(id(), s.subject())));
            s.memory().keep(this, run);
        }
        if (Double.isNaN(run.value)) {
            run.value = s.value();
            run.episode.met(s.t());
        } else if (Math.abs(s.value() - run.value) > config.tolerance()) {
            run.value = s.value();
            if (run.episode.cleared() == Episode.Step.CLEAR) {
                sink.clear(id(), s.subject(), s.t(), "The value changes again (" + Wording.value(s.value(), s.kind())
                        + ").");
            }
            run.episode.met(s.t());
        } else if (run.episode.met(s.t()) == Episode.Step.RAISE) {
            long since = run.episode.since();
            sink.raise(new Finding(basics(), s.subject(), s.t(), s.value(), Wording.capitalised(Wording.kind(s.kind()))
                    + " at " + s.subject().path() + " has read " + Wording.value(s.value(), s.kind()) + " without "
                    + "change since " + Wording.time(since) + " (" + Wording.duration(s.t() - since) + "): the "
                    + "sensor is probably stuck.", since));
        }
    }
}
