package coop.steward.collector.ingest;

import java.util.List;

/**
 * At a hub whose collectors share one broker: ingest takes devices' readings and statuses through shared
 * subscriptions ({@code $share/{group}/...}), so each message reaches one collector of the group, and hands the
 * group's own traffic (who is alive, relayed readings, published alerts) to this. Called on ingest's context.
 */
public interface HubTraffic {
    /** The shared subscriptions' group name. */
    String group();

    /** Topics subscribed to besides the devices': every collector of the group hears all of these. */
    List<String> topics();

    /** Where this collector says it is alive, retained; its Last Will clears it. */
    String announceTopic();

    /** Whether a message is the group's traffic rather than a device's. */
    boolean takes(String topic);

    void heard(String topic, byte[] payload);

    /** Whether the link to the broker is up and subscribed, every few hundred milliseconds. */
    void linkReady(boolean ready);

    /**
     * Whether this collector may stop taking the shared subscriptions' messages for a while: another is alive, and
     * this one is not the group's first. The first never rests, so that members falling behind together never all
     * rest at once (the broker drops what no subscriber takes); it takes on instead, as far as a resting member may.
     */
    boolean mayRest();
}
