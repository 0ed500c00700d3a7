package coop.steward.collector.config;

import java.util.Set;

/** Which sites, devices and sensors a rule watches; an empty set means all of them. */
public record RuleTarget(Set<String> sites, Set<String> devices, Set<String> sensors) {
    public static final RuleTarget ALL = new RuleTarget(Set.of(), Set.of(), Set.of());

    public RuleTarget {
        sites = Set.copyOf(sites);
        devices = Set.copyOf(devices);
        sensors = Set.copyOf(sensors);
    }

    public boolean matchesDevice(String site, String device) {
        return (sites.isEmpty() || sites.contains(site)) && (devices.isEmpty() || devices.contains(device));
    }

    public boolean matches(String site, String device, String sensor) {
        return matchesDevice(site, device) && (sensors.isEmpty() || sensors.contains(sensor));
    }
}
