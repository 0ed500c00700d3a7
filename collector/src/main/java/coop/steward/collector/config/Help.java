package coop.steward.collector.config;

/**
 * Mutual aid between the sites of a hub (the {@code help:} section, used only where the collector forwards to a hub).
 *
 * @param ask   an alert of this site that nobody here acknowledged by the end of its escalation (the site's escalation
 *              time after the last person it reached) is offered to the stewards of the sites that offer help
 * @param offer this site's stewards hear of their neighbours' requests for help and may take them
 */
public record Help(boolean ask, boolean offer) {
    public static final Help NONE = new Help(false, false);
}
