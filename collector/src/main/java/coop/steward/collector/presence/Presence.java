package coop.steward.collector.presence;

import coop.steward.collector.store.DeviceStatus;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which devices are alive right now. A device's own status says online or offline, but a Pi that lost power
 * keeps its broker session only until its keep-alive runs out, and a broken network may never deliver its Last
 * Will: so a device silent for longer than three of its reporting intervals counts as offline too.
 */
public final class Presence {
    /** Agents send a status at least this often, so no device's interval is longer. */
    static final Duration MAX_INTERVAL = Duration.ofMinutes(1);
    /**
     * Messages come in bursts (a status and a batch on connect, a replayed outbox): gaps of milliseconds say
     * nothing about how often a device reports, so no interval counts as shorter than this.
     */
    static final Duration MIN_INTERVAL = Duration.ofSeconds(10);
    static final int SILENT_INTERVALS = 3;
    private static final int GAPS_KEPT = 16;

    private record Device(String site, String device) {
    }

    /** Arrival times of one device's recent messages, as the gaps between them. */
    private static final class Heard {
        private final long[] gaps = new long[GAPS_KEPT];
        private int count;
        private long last;

        synchronized void at(long time) {
            if (last > 0 && time > last) {
                gaps[count % GAPS_KEPT] = time - last;
                count++;
            }
            last = Math.max(last, time);
        }

        synchronized long last() {
            return last;
        }

        /** The median gap, within MIN_INTERVAL..MAX_INTERVAL; the maximum until two messages were heard. */
        synchronized long intervalMillis() {
            int n = Math.min(count, GAPS_KEPT);
            if (n == 0) {
                return MAX_INTERVAL.toMillis();
            }
            long[] sorted = Arrays.copyOf(gaps, n);
            Arrays.sort(sorted);
            return Math.min(MAX_INTERVAL.toMillis(), Math.max(MIN_INTERVAL.toMillis(), sorted[n / 2]));
        }
    }

    private final Map<Device, Heard> devices = new ConcurrentHashMap<>();

    /** A message from the device arrived at {@code at} (the collector's clock). */
    public void heard(String site, String device, long at) {
        devices.computeIfAbsent(new Device(site, device), d -> new Heard()).at(at);
    }

    /** The device's state as users should see it: its own word, unless it has gone silent. */
    public String state(DeviceStatus stored, long now) {
        if (!"online".equals(stored.state())) {
            return stored.state();
        }
        Heard heard = devices.get(new Device(stored.site(), stored.device()));
        long last = heard != null ? heard.last() : stored.lastSeen() == null ? 0 : stored.lastSeen();
        long interval = heard != null ? heard.intervalMillis() : MAX_INTERVAL.toMillis();
        return now - last > SILENT_INTERVALS * interval ? "offline" : "online";
    }
}
