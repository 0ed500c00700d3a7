package coop.steward.collector.alert;

import java.util.HashMap;
import java.util.Map;

/** The latest state of every valve of every device, in data-time order: a device's valves are open if any is. */
final class ValveStates {
    static final String KIND = "valve_state";

    private final Map<Subject, Map<String, Boolean>> byDevice = new HashMap<>();

    void update(Sample valve) {
        byDevice.computeIfAbsent(Subject.device(valve.site(), valve.device()), d -> new HashMap<>(2))
                .put(valve.sensor(), valve.value() >= 0.5);
    }

    /** True if any valve of the device is open, false if all are closed, null when it never reported a valve. */
    Boolean open(String site, String device) {
        Map<String, Boolean> valves = byDevice.get(Subject.device(site, device));
        if (valves == null) {
            return null;
        }
        return valves.containsValue(Boolean.TRUE);
    }

    void forget(String site) {
        byDevice.keySet().removeIf(subject -> subject.site().equals(site));
    }
}
