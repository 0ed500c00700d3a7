package coop.steward.collector.alert;

import coop.steward.collector.config.RuleConfig;
import coop.steward.collector.store.DeviceStatus;
import java.util.Set;

/**
 * One configured rule, with what it remembers of the series it watches: in maps of its own, or in the engine's
 * memory of each sensor and device ({@link RuleMemory}). Every method runs on the alert engine's single context, in
 * data-time order per device, so a rule needs no locks.
 */
interface Rule {

    RuleConfig.Basics basics();

    default String id() {
        return basics().id();
    }

    /** The kinds of reading this rule reads; empty for all. */
    Set<String> kinds();

    void accept(Sample sample, AlertSink sink);

    default void status(DeviceStatus status, AlertSink sink) {
    }

    /**
     * Runs every few seconds on the collector's clock.
     *
     * @param listeningSince since when the collector has been connected to the broker without a break, or -1 while
     *                       it is not: what it did not hear while deaf says nothing about the devices
     */
    default void tick(long now, long listeningSince, AlertSink sink) {
    }

    /** What this rule must remember across a restart beyond its open alerts, as JSON text; null for nothing. */
    default String saveState() {
        return null;
    }

    default void restoreState(String json) {
    }

    /**
     * Forgets all it remembers of a site: at a hub of several collectors, another collector owned the site
     * meanwhile, and what this one remembers of it is out of date. The site's recent readings follow. What it keeps
     * in its samples' memories ({@link RuleMemory}) the engine forgets with the site's devices.
     */
    default void forget(String site) {
    }
}
