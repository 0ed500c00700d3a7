package coop.steward.collector.hub;

import coop.steward.protocol.ForwardReport;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * At a hub: the latest report of every site that forwards to it ({@code steward/v1/{site}/forward}), which says what
 * the site shares and how far behind the hub is. A site whose report is older than {@link #SILENT_AFTER_MS} has lost
 * its link (sites report every few seconds while connected); the hub then cannot know its backlog, which grows.
 */
public final class HubSites {
    static final long SILENT_AFTER_MS = 30_000;
    /** Sites kept at most, so that a client inventing site ids cannot grow the hub without bound. */
    public static final int MAX_SITES = 10_000;

    /**
     * One site as the hub sees it.
     *
     * @param state    {@code connected} while its reports arrive, {@code offline} once they stop
     * @param lastSeen when its latest report was made (the site's clock, never later than the hub's)
     * @param lagMs    how long ago the site received the oldest reading the hub has not confirmed; 0 when none waits
     */
    public record Site(String site, String state, long lastSeen, long lagMs, ForwardReport report) {
    }

    private record Heard(ForwardReport report, long lastSeen) {
    }

    private final Map<String, Heard> sites = new ConcurrentHashMap<>();

    /** A site's report arrived at {@code now}; false when the hub keeps as many sites as it can and this is new. */
    public boolean reported(String site, ForwardReport report, long now) {
        if (sites.size() >= MAX_SITES && !sites.containsKey(site)) {
            return false;
        }
        // The broker hands the retained report over again on every reconnect: its own time says how fresh it is.
        sites.merge(site, new Heard(report, Math.min(report.t(), now)),
                (old, fresh) -> fresh.lastSeen() >= old.lastSeen() ? fresh : old);
        return true;
    }

    /** Every site that ever reported, by id. */
    public List<Site> sites(long now) {
        return sites.entrySet().stream().sorted(Map.Entry.comparingByKey()).map(e -> {
            Heard heard = e.getValue();
            boolean connected = now - heard.lastSeen() <= SILENT_AFTER_MS;
            Long oldest = heard.report().oldest();
            long lag = oldest == null && connected ? 0 : now - (oldest == null ? heard.lastSeen() : oldest);
            return new Site(e.getKey(), connected ? "connected" : "offline", heard.lastSeen(), Math.max(0, lag),
                    heard.report());
        }).sorted(Comparator.comparing(Site::site)).toList();
    }
}
