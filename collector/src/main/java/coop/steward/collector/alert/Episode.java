package coop.steward.collector.alert;

/**
 * One series' condition over data time: it must hold for {@code hold} before it raises, and once raised only a
 * clear ends it. A value between the raise and clear thresholds (the hysteresis band), or one that cannot be judged
 * (night, for a solar rule), restarts a pending condition but never ends a raised one.
 */
final class Episode {
    enum Step { NONE, RAISE, CLEAR }

    private static final long NOT_MET = Long.MIN_VALUE;

    private final long holdMillis;
    private long since = NOT_MET;
    private boolean active;

    Episode(long holdMillis, boolean active) {
        this.holdMillis = holdMillis;
        this.active = active;
    }

    /**
     * The episode of {@code rule} on the sample's sensor, made with its first sample, active when the book has the
     * rule's alert on it open.
     */
    static Episode of(Rule rule, Sample s, long holdMillis, AlertSink sink) {
        Episode episode = s.memory().of(rule);
        if (episode == null) {
            episode = new Episode(holdMillis, sink.isActive(rule.id(), s.subject()));
            s.memory().keep(rule, episode);
        }
        return episode;
    }

    /** The condition holds at {@code t}. */
    Step met(long t) {
        if (active) {
            return Step.NONE;
        }
        if (since == NOT_MET) {
            since = t;
        }
        if (t - since >= holdMillis) {
            active = true;
            return Step.RAISE;
        }
        return Step.NONE;
    }

    /** The value is back on the safe side of the clear threshold. */
    Step cleared() {
        since = NOT_MET;
        if (active) {
            active = false;
            return Step.CLEAR;
        }
        return Step.NONE;
    }

    /** Between the thresholds, or not judged: a pending condition starts again, a raised one stays. */
    void neither() {
        if (!active) {
            since = NOT_MET;
        }
    }

    boolean active() {
        return active;
    }

    /** When the current condition began, for the alert's {@code since}. */
    long since() {
        return since;
    }
}
