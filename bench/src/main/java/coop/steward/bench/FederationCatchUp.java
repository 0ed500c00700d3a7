package coop.steward.bench;

import coop.steward.testsupport.CuttableLink;
import coop.steward.testsupport.MosquittoBroker;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A site's catch-up after a day offline: a site collector forwarding to a hub collector, each its own process with
 * its own Mosquitto, the hub's broker reached through a link that is cut while a day of a {@link SmallSite}'s
 * messages (accelerated) is stored at the site; then the link is mended and the hub's stored readings are counted
 * until it has them all. Beside it, the same day published straight to a hub collector of its own, as if the site's
 * agents were the hub's: what the hub's intake allows.
 */
final class FederationCatchUp {
    /** One catch-up: readings the hub received and the seconds from the link's mending until it had them all. */
    record Result(long readings, double seconds) {
        double rate() {
            return readings / seconds;
        }
    }

    private FederationCatchUp() {
    }

    /** @param catchUpPerSecond the site's {@code sharing.catchUpPerSecond} */
    static Result afterADayOffline(Path dir, int catchUpPerSecond) throws Exception {
        Path config = Files.writeString(Files.createDirectories(dir).resolve("site.yaml"),
                "sharing: {share: everything, catchUpPerSecond: " + catchUpPerSecond + "}\n");
        try (MosquittoBroker siteBroker = MosquittoBroker.start(dir.resolve("site-mosquitto"));
             MosquittoBroker hubBroker = MosquittoBroker.start(dir.resolve("hub-mosquitto"),
                     "max_queued_messages 10000000", "max_queued_bytes 536870912");
             CuttableLink uplink = CuttableLink.to(hubBroker.port());
             CollectorProcess hub = CollectorProcess.start(hubBroker.url(), dir.resolve("hub"),
                     dir.resolve("hub.log"), "--hub");
             CollectorProcess site = CollectorProcess.start(siteBroker.url(), dir.resolve("site"),
                     dir.resolve("site.log"), "--config", config.toString(), "--forward-to", uplink.url());
             SmallSite agents = SmallSite.connect(siteBroker.url(), 16)) {
            uplink.cut();
            agents.accelerated(site, System.currentTimeMillis() - 86_400_000L, 1_440, n -> { });
            long readings = site.stored();
            long messages = SmallSite.messagesPerDay();
            // Every message is in forward.db (the hold is over) before the link comes back.
            while (site.metric("steward_forward_written_total") < messages) {
                Thread.sleep(100);
            }
            long start = System.nanoTime();
            uplink.mend();
            while (hub.stored() < readings) {
                Thread.sleep(50);
            }
            return new Result(readings, (System.nanoTime() - start) / 1e9);
        }
    }

    /**
     * The same day's messages published straight to a hub collector at once, as agents replaying a day would: the
     * seconds from the first until the hub has stored them all.
     */
    static Result straightToTheHub(Path dir) throws Exception {
        try (MosquittoBroker hubBroker = MosquittoBroker.start(Files.createDirectories(dir).resolve("mosquitto"),
                "max_queued_messages 10000000", "max_queued_bytes 536870912");
             CollectorProcess hub = CollectorProcess.start(hubBroker.url(), dir.resolve("hub"),
                     dir.resolve("hub.log"), "--hub");
             SmallSite agents = SmallSite.connect(hubBroker.url(), 16)) {
            long readings = (long) SmallSite.messagesPerDay() * SmallSite.SENSORS;
            long start = System.nanoTime();
            agents.burst(System.currentTimeMillis() - 86_400_000L, 1_440);
            while (hub.stored() < readings) {
                Thread.sleep(50);
            }
            return new Result(readings, (System.nanoTime() - start) / 1e9);
        }
    }
}
