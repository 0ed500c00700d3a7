package coop.steward.collector.alert;

/**
 * Whether the collector hears a site's devices now, beyond hearing its broker: at a regional hub, a site whose link
 * is down sends nothing, and its devices' silence says nothing about them.
 */
@FunctionalInterface
public interface SiteHearing {
    /** Every site is heard whenever the broker is. */
    SiteHearing BROKER = (site, listeningSince) -> listeningSince;

    /**
     * @param listeningSince since when the collector has heard its broker without a break, or -1
     * @return since when the site's devices have been heard without a break, or -1 while they cannot be
     */
    long since(String site, long listeningSince);
}
