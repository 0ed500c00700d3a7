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

    /** The latest report, when it was made, and since when the site's reports have come without a break. */
    private record Heard(ForwardReport report, long lastSeen, long linkedSince) {
    }

    private final Map<String, Heard> sites = new ConcurrentHashMap<>();

    /** A site's report arrived at {@code now}; false when the hub keeps as many sites as it can and this is new. */
    public boolean reported(String site, ForwardReport report, long now) {
        if (sites.size() >= MAX_SITES && !sites.containsKey(site)) {
            return false;
        }
        // The broker hands the retained report over again on every reconnect: its own time says how fresh it is.
        long seen = Math.min(report.t(), now);
        sites.merge(site, new Heard(report, seen, seen), (old, fresh) -> {
            if (fresh.lastSeen() < old.lastSeen()) {
                return old;
            }
            // A gap longer than the silence allowed is a link that was down and is back.
            long linked = fresh.lastSeen() - old.lastSeen() > SILENT_AFTER_MS ? fresh.lastSeen() : old.linkedSince();
            return new Heard(fresh.report(), fresh.lastSeen(), linked);
        });
        return true;
    }

    /**
     * Since when a site's devices have been heard without a break: {@code listeningSince} (the broker's) for a site
     * that never reported (not a forwarding site), -1 while its link is down, else the later of the two.
     */
    public long listeningSince(String site, long listeningSince, long now) {
        Heard heard = sites.get(site);
        if (heard == null || listeningSince < 0) {
            return listeningSince;
        }
        return now - heard.lastSeen() > SILENT_AFTER_MS ? -1 : Math.max(listeningSince, heard.linkedSince());
    }

    /** A site's latest report, or null when it never reported. */
    public ForwardReport report(String site) {
        Heard heard = sites.get(site);
        return heard == null ? null : heard.report();
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
