package coop.steward.collector.http;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * At most 5 failed sign-ins in 15 minutes, counted per name and per address, so that nobody can try passwords by
 * the thousand; a success forgets the name's failures. Bounded: the oldest keys go first past 10,000. Used on one
 * event loop only.
 */
final class SignInThrottle {
    static final int MAX_FAILURES = 5;
    static final long WINDOW_MS = 15 * 60_000L;
    private static final int MAX_KEYS = 10_000;

    private final Map<String, Deque<Long>> failures = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Deque<Long>> eldest) {
            return size() > MAX_KEYS;
        }
    };

    /** Milliseconds until {@code name} from {@code address} may try again; 0 when it may now. */
    long waitMs(String name, String address, long now) {
        return Math.max(wait("name:" + name, now), wait("address:" + address, now));
    }

    void failed(String name, String address, long now) {
        add("name:" + name, now);
        add("address:" + address, now);
    }

    /** The attempt counted before the hash was right: the name's failures go, and the address's last count. */
    void succeeded(String name, String address) {
        failures.remove("name:" + name);
        Deque<Long> times = failures.get("address:" + address);
        if (times != null && !times.isEmpty()) {
            times.removeLast();
        }
    }

    private long wait(String key, long now) {
        Deque<Long> times = failures.get(key);
        if (times == null) {
            return 0;
        }
        while (!times.isEmpty() && times.peekFirst() <= now - WINDOW_MS) {
            times.removeFirst();
        }
        return times.size() < MAX_FAILURES ? 0 : times.peekFirst() + WINDOW_MS - now;
    }

    private void add(String key, long now) {
        Deque<Long> times = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
        times.addLast(now);
        if (times.size() > MAX_FAILURES) {
            times.removeFirst();
        }
    }
}
