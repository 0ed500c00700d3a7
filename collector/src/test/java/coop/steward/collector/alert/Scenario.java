package coop.steward.collector.alert;

import coop.steward.collector.config.AlertsConfig;
import coop.steward.collector.config.CollectorConfig;
import coop.steward.collector.store.DeviceStatus;
import coop.steward.protocol.Reading;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The alert engine driven directly, without Vert.x or MQTT: readings and statuses go in on their own timestamps,
 * the collector's clock is moved by hand, and every alert change is recorded.
 */
final class Scenario {
    /** Alerts as the scenarios assert them: rule, where, and the data times that opened and resolved them. */
    record Seen(String rule, String device, String sensor, Instant openedAt, Instant resolvedAt) {
    }

    private final AtomicLong clock = new AtomicLong();
    private final List<AlertChange> changes = new ArrayList<>();
    private final AlertEngine engine;

    Scenario(AlertsConfig config) {
        AlertBook book = new AlertBook(AlertBook.Restored.empty(), clock::get, config.lateAfter().toMillis(),
                config.renotify().toMillis(), changes::add);
        engine = new AlertEngine(Rules.of(config), book, clock::get);
    }

    /** The collector's YAML; the shipped rule sets are merged in as in production. */
    static Scenario of(String yaml) {
        return new Scenario(CollectorConfig.parse(yaml, "scenario").alerts());
    }

    static Scenario withDefaults() {
        return of("");
    }

    Scenario now(long now) {
        clock.set(now);
        return this;
    }

    long now() {
        return clock.get();
    }

    void readings(String site, String device, List<Reading> readings) {
        engine.readings(site, device, readings);
    }

    void status(String site, String device, String state, Long t, Long outbox) {
        engine.status(new DeviceStatus(site, device, state, t, outbox));
    }

    void tick() {
        engine.tick(true);
    }

    /** As at a hub: how each site's devices are heard. */
    Scenario hearing(SiteHearing sites) {
        engine.book().hearSitesThrough(sites);
        return this;
    }

    void tickDisconnected() {
        engine.tick(false);
    }

    List<Rule> rules() {
        return engine.rules();
    }

    /** An admin saves new rules: the collector's YAML, merged with the shipped rule sets as at start-up. */
    void replaceRules(String yaml) {
        engine.replaceRules(Rules.of(CollectorConfig.parse(yaml, "scenario").alerts()));
    }

    List<AlertChange> changes() {
        return changes;
    }

    Alert acknowledge(String id) {
        return engine.book().acknowledge(id).orElseThrow();
    }

    /** Every alert raised, in the order raised, with its latest state. */
    List<Alert> alerts() {
        List<Alert> latest = new ArrayList<>();
        for (AlertChange change : changes) {
            latest.removeIf(a -> a.id().equals(change.alert().id()));
            latest.add(change.alert());
        }
        latest.sort(java.util.Comparator.comparingLong(a -> AlertBook.seq(a.id())));
        return latest;
    }

    List<Seen> seen() {
        return alerts().stream().map(a -> new Seen(a.rule(), a.device(), a.sensor(), Instant.ofEpochMilli(a.openedAt()),
                a.resolvedAt() == null ? null : Instant.ofEpochMilli(a.resolvedAt()))).toList();
    }
}
