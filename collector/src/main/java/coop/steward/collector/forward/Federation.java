package coop.steward.collector.forward;

import coop.steward.collector.config.Help;
import coop.steward.collector.config.Neighbours;
import coop.steward.collector.config.Sharing;
import coop.steward.collector.ingest.IngestSettings;

/**
 * A collector's place among sites and hubs.
 *
 * @param forwardTo the hub's broker this site forwards what it shares to, with the account it uses there; null when
 *                  it forwards to none
 * @param sharing   what it shares with that hub
 * @param hub        whether it serves as a hub: it then takes the reports of the sites that forward to it
 * @param neighbours how it compares the sites' arrays, serving as a hub
 * @param hubGroup   the name of the group of collectors that share the hub's broker, each site's alerts owned by
 *                   one of them; null for a collector that is alone on its broker
 * @param help       whether the site asks the hub's other sites for help, and offers its own, through the hub's broker
 */
public record Federation(IngestSettings forwardTo, Sharing sharing, boolean hub, Neighbours neighbours,
                         String hubGroup, Help help) {
    public static final Federation ALONE = new Federation(null, Sharing.DEFAULT, false, Neighbours.DEFAULT, null,
            Help.NONE);

    public Federation withSharing(Sharing now) {
        return new Federation(forwardTo, now, hub, neighbours, hubGroup, help);
    }

    public Federation withNeighbours(Neighbours now) {
        return new Federation(forwardTo, sharing, hub, now, hubGroup, help);
    }

    public Federation withHubGroup(String group) {
        return new Federation(forwardTo, sharing, hub, neighbours, group, help);
    }

    public Federation withHelp(Help now) {
        return new Federation(forwardTo, sharing, hub, neighbours, hubGroup, now);
    }
}
