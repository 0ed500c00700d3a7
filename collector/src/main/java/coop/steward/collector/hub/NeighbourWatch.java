package coop.steward.collector.hub;

import coop.steward.collector.alert.MqttPublish;
import coop.steward.collector.config.ArrayConfig;
import coop.steward.collector.config.Neighbours;
import coop.steward.collector.site.Sites;
import coop.steward.collector.store.ReadingStore;
import coop.steward.collector.store.SensorSummary;
import coop.steward.protocol.NeighbourReport;
import coop.steward.protocol.ProtocolJson;
import coop.steward.protocol.Topics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At a hub: every {@link Neighbours#checkEvery}, judges every site's arrays against their neighbours' over the
 * last weeks and tells each site, retained on {@code steward/v1/{site}/neighbours}; the site raises or resolves
 * its own alert. Judging reads the store, so it runs on a worker; a round that is still running when the next is
 * due is not doubled.
 */
public final class NeighbourWatch {
    private static final Logger LOG = LoggerFactory.getLogger(NeighbourWatch.class);
    /** Judged days that may pass unjudged (too few peers, too dark) without the run being forgotten. */
    private static final int SPARE_DAYS = 14;

    private final Vertx vertx;
    private final ReadingStore store;
    private final Sites sites;
    private final Supplier<Neighbours> config;
    private final MqttPublish publish;
    private final Clock clock;
    private final Predicate<String> tells;
    private long timer = -1;
    private boolean running;

    /** @param tells which sites this collector tells (at a hub of several, those whose alerts it owns) */
    public NeighbourWatch(Vertx vertx, ReadingStore store, Sites sites, Supplier<Neighbours> config,
                          MqttPublish publish, Clock clock, Predicate<String> tells) {
        this.tells = tells;
        this.vertx = vertx;
        this.store = store;
        this.sites = sites;
        this.config = config;
        this.publish = publish;
        this.clock = clock;
    }

    public void start() {
        long every = config.get().checkEvery().toMillis();
        // The first round soon after start: the sites' reports, which name their arrays, are retained.
        timer = vertx.setPeriodic(Math.min(every, 60_000), every, id -> judge());
    }

    public void stop() {
        vertx.cancelTimer(timer);
    }

    /** One round: judged on a worker, told from the context that asked. */
    Future<Map<String, NeighbourReport>> judge() {
        if (running) {
            return Future.succeededFuture(Map.of());
        }
        running = true;
        Neighbours now = config.get();
        return vertx.executeBlocking(() -> reports(now), false)
                .onSuccess(reports -> reports.forEach((site, report) -> {
                    if (tells.test(site)) {
                        publish.publish(Topics.neighbours(site), ProtocolJson.encode(report), true);
                    }
                }))
                .onFailure(e -> LOG.warn("Cannot compare the sites' arrays with their neighbours this round: {}",
                        e.getMessage()))
                .eventually(() -> {
                    running = false;
                    return Future.succeededFuture();
                });
    }

    private Map<String, NeighbourReport> reports(Neighbours now) {
        long t = clock.millis();
        List<SensorSummary> sensors = store.sensors();
        List<NeighbourComparison.ArrayDays> region = new ArrayList<>();
        java.util.SortedSet<String> known = sites.known(store.devices(), sensors);
        for (String site : known) {
            ZoneId zone = sites.zone(site);
            LocalDate last = LocalDate.ofInstant(java.time.Instant.ofEpochMilli(t), zone).minusDays(1);
            LocalDate first = last.minusDays(now.days() + SPARE_DAYS - 1L);
            for (ArrayConfig array : sites.arrays(site)) {
                region.add(new NeighbourComparison.ArrayDays(array, zone,
                        DailyYields.of(store, array, sensors, zone, first, last)));
            }
        }
        Map<String, NeighbourReport> reports = new java.util.TreeMap<>();
        new NeighbourComparison(now).judgeAll(region).forEach((site, verdicts) -> reports.put(site,
                new NeighbourReport(1, t, Neighbours.RULE, now.severity().code(), now.days(), verdicts)));
        // Every site is told, one with no array too: so that one that stopped sharing its arrays resolves what the
        // hub's earlier verdicts (retained, perhaps by a collector since restarted) had raised there.
        for (String site : known) {
            reports.putIfAbsent(site, new NeighbourReport(1, t, Neighbours.RULE, now.severity().code(), now.days(),
                    List.of()));
        }
        return reports;
    }
}
