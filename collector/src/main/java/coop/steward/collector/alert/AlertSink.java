package coop.steward.collector.alert;

/**
 * Where rules report what they conclude. The sink keeps one alert per rule and subject: raising one that is
 * already active does nothing, clearing one that is not active does nothing.
 */
interface AlertSink {

    boolean isActive(String rule, Subject subject);

    /** Data time at which the active alert of that rule and subject was opened, or null when there is none. */
    Long openedAt(String rule, Subject subject);

    void raise(Finding finding);

    /** The condition cleared at data time {@code t}; {@code why} is a sentence for people. */
    void clear(String rule, Subject subject, long t, String why);

    /** See {@link SiteHearing#since}: every site is heard whenever the broker is, unless a hub says otherwise. */
    default long listeningSince(String site, long listeningSince) {
        return listeningSince;
    }
}
