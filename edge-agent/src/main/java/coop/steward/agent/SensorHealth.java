package coop.steward.agent;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sensors whose latest sample was a fault, with why: the {@code faults} of the agent's status. A sensor leaves
 * the list with its next good sample. A change is worth a status message of its own, but at most one every
 * {@value #REPORT_EVERY_MS} ms, so a flapping sensor does not flood the status topic; the regular status carries
 * the rest.
 */
final class SensorHealth {
    static final long REPORT_EVERY_MS = 10_000;

    private final Map<String, String> faults = new ConcurrentHashMap<>();
    private long reportedAt = Long.MIN_VALUE;

    /** Records a fault; true when a status message should go out now. */
    synchronized boolean failed(String sensor, String reason, long now) {
        return faults.put(sensor, reason) == null && reportNow(now);
    }

    /** Records a good sample; true when a status message should go out now. */
    synchronized boolean ok(String sensor, long now) {
        return faults.remove(sensor) != null && reportNow(now);
    }

    /** Forgets sensors a pushed config removed. */
    void retain(Collection<String> sensors) {
        faults.keySet().retainAll(sensors);
    }

    /** Sensor id to reason, sorted by id; null when every sensor is fine (the status then leaves it out). */
    Map<String, String> snapshot() {
        return faults.isEmpty() ? null : new TreeMap<>(faults);
    }

    private boolean reportNow(long now) {
        if (reportedAt != Long.MIN_VALUE && now - reportedAt < REPORT_EVERY_MS) {
            return false;
        }
        reportedAt = now;
        return true;
    }
}
