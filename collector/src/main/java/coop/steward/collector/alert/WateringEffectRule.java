package coop.steward.collector.alert;

import coop.steward.collector.config.RuleConfig;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A watering that did not reach the bed: a device's valve opened (or, without a valve sensor, its flow started)
 * and a soil moisture probe of the same device did not rise by {@code minRise} within {@code within}. Only probes
 * that read below {@code expectBelow} when the watering began are watched: a bed at field capacity cannot get
 * wetter. The alert is per probe and is resolved by the next watering that does raise it.
 */
final class WateringEffectRule implements Rule {
    static final String SOIL = "soil_moisture";
    /** A probe's reading older than this when the watering starts is no baseline. */
    private static final long FRESH_MS = 30 * 60_000;

    /** A probe's latest reading, changed in place: it is kept in the probe's memory as well as in {@link #soil}. */
    private static final class Latest {
        long t;
        double value;
    }

    private record Watch(long start, double baseline, long deadline) {
    }

    private final RuleConfig.WateringEffect config;
    private final long withinMs;
    private final ValveStates valves = new ValveStates();
    private final Map<Subject, Boolean> flowing = new HashMap<>();
    private final Map<Subject, Map<String, Latest>> soil = new HashMap<>();
    private final Map<Subject, Watch> watches = new HashMap<>();
    private final Set<Subject> devicesWithValves = new HashSet<>();

    WateringEffectRule(RuleConfig.WateringEffect config) {
        this.config = config;
        this.withinMs = config.within().toMillis();
    }

    @Override
    public RuleConfig.Basics basics() {
        return config.basics();
    }

    @Override
    public Set<String> kinds() {
        return Set.of(SOIL, ValveStates.KIND, LeakRule.FLOW);
    }

    @Override
    public void accept(Sample s, AlertSink sink) {
        Subject device = s.deviceSubject();
        switch (s.kind()) {
            case ValveStates.KIND -> {
                devicesWithValves.add(device);
                Boolean before = valves.open(s.site(), s.device());
                valves.update(s);
                if (Boolean.FALSE.equals(before) && Boolean.TRUE.equals(valves.open(s.site(), s.device()))) {
                    watering(device, s.t());
                }
            }
            case LeakRule.FLOW -> {
                boolean above = s.value() > config.flowAbove();
                Boolean before = flowing.put(device, above);
                if (above && Boolean.FALSE.equals(before) && !devicesWithValves.contains(device)) {
                    watering(device, s.t());
                }
            }
            default -> soil(s, device, sink);
        }
    }

    private void watering(Subject device, long start) {
        Map<String, Latest> probes = soil.getOrDefault(device, Map.of());
        probes.forEach((sensor, latest) -> {
            Subject probe = new Subject(device.site(), device.device(), sensor);
            if (start - latest.t <= FRESH_MS && latest.value < config.expectBelow()
                    && !watches.containsKey(probe)) {
                watches.put(probe, new Watch(start, latest.value, start + withinMs));
            }
        });
    }

    private void soil(Sample s, Subject device, AlertSink sink) {
        if (!config.basics().target().matches(s.site(), s.device(), s.sensor())) {
            return;
        }
        Latest latest = s.memory().of(this);
        if (latest == null) {
            // Only forget() drops it from soil, as the engine drops the memory: the two never part.
            latest = soil.computeIfAbsent(device, d -> new HashMap<>()).computeIfAbsent(s.sensor(), k -> new Latest());
            s.memory().keep(this, latest);
        }
        latest.t = s.t();
        latest.value = s.value();
        Watch watch = watches.isEmpty() ? null : watches.get(s.subject());
        if (watch == null || s.t() < watch.start()) {
            return;
        }
        if (s.value() >= watch.baseline() + config.minRise()) {
            watches.remove(s.subject());
            sink.clear(id(), s.subject(), s.t(), "The watering at " + Wording.time(watch.start()) + " raised it from "
                    + Wording.value(watch.baseline(), SOIL) + " to " + Wording.value(s.value(), SOIL) + ".");
        } else if (s.t() >= watch.deadline()) {
            watches.remove(s.subject());
            sink.raise(new Finding(basics(), s.subject(), s.t(), s.value(), "The watering of " + device.path()
                    + " at " + Wording.time(watch.start()) + " did not reach " + s.sensor() + ": soil moisture read "
                    + Wording.value(watch.baseline(), SOIL) + " before and " + Wording.value(s.value(), SOIL) + " "
                    + Wording.duration(s.t() - watch.start()) + " later (a rise of at least "
                    + Wording.value(config.minRise(), SOIL) + " was expected).", watch.start()));
        }
    }

    @Override
    public void forget(String site) {
        flowing.keySet().removeIf(subject -> subject.site().equals(site));
        soil.keySet().removeIf(subject -> subject.site().equals(site));
        watches.keySet().removeIf(subject -> subject.site().equals(site));
        valves.forget(site);
    }
}
