package coop.steward.collector.alert;

import coop.steward.collector.config.RuleConfig;
import java.util.Set;

/**
 * A value outside what is physically possible for its kind: raised at once, cleared only after a stretch of sane
 * values, so that a loose connector flickering between right and wrong makes one alert. Values outside the
 * contract's own ranges never get here: they are rejected on arrival and listed under /api/v1/rejected.
 */
final class RangeRule implements Rule {
    private static final class Series {
        boolean active;
        long saneSince = -1;

        Series(boolean active) {
            this.active = active;
        }
    }

    private final RuleConfig.Range config;
    private final long clearAfterMs;

    RangeRule(RuleConfig.Range config) {
        this.config = config;
        this.clearAfterMs = config.clearAfter().toMillis();
    }

    @Override
    public RuleConfig.Basics basics() {
        return config.basics();
    }

    @Override
    public Set<String> kinds() {
        return config.limits().keySet();
    }

    @Override
    public void accept(Sample s, AlertSink sink) {
        RuleConfig.Limits limits = config.limits().get(s.kind());
        if (limits == null || !config.basics().target().matches(s.site(), s.device(), s.sensor())) {
            return;
        }
        Series state = s.memory().of(this);
        if (state == null) {
            state = new Series(sink.isActive(id(), s.subject()));
            s.memory().keep(this, state);
        }
        if (!limits.contains(s.value())) {
            state.saneSince = -1;
            if (!state.active) {
                state.active = true;
                sink.raise(new Finding(basics(), s.subject(), s.t(), s.value(), Wording.capitalised(
                        Wording.kind(s.kind())) + " at " + s.subject().path() + " reads " + Wording.value(s.value(),
                        s.kind()) + ", which is not possible (expected " + describe(limits, s.kind()) + ").", null));
            }
        } else if (state.active) {
            if (state.saneSince < 0) {
                state.saneSince = s.t();
            }
            if (s.t() - state.saneSince >= clearAfterMs) {
                state.active = false;
                state.saneSince = -1;
                sink.clear(id(), s.subject(), s.t(), "Values have been plausible for "
                        + Wording.duration(clearAfterMs) + ".");
            }
        }
    }

    private static String describe(RuleConfig.Limits limits, String kind) {
        if (Double.isInfinite(limits.min())) {
            return "at most " + Wording.value(limits.max(), kind);
        }
        if (Double.isInfinite(limits.max())) {
            return "at least " + Wording.value(limits.min(), kind);
        }
        return Wording.number(limits.min()) + " to " + Wording.value(limits.max(), kind);
    }
}
