package coop.steward.collector.alert;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * {@code steward_alerts_raised_total{rule}}, {@code steward_alerts_resolved_total{rule}} and
 * {@code steward_alerts_active}; every configured rule is listed from the start, at 0.
 */
final class AlertMetrics implements Consumer<AlertChange> {
    private final MeterRegistry registry;
    private final Map<String, Counter> raised = new HashMap<>();
    private final Map<String, Counter> resolved = new HashMap<>();
    private final AtomicInteger active;

    AlertMetrics(MeterRegistry registry, List<String> ruleIds, int activeAtStart) {
        this.registry = registry;
        this.active = new AtomicInteger(activeAtStart);
        ruleIds.forEach(rule -> {
            raised(rule);
            resolved(rule);
        });
        Gauge.builder("steward.alerts.active", active, AtomicInteger::get).description("Alerts open or acknowledged")
                .register(registry);
    }

    @Override
    public void accept(AlertChange change) {
        switch (change.kind()) {
            case RAISED -> {
                raised(change.alert().rule()).increment();
                active.incrementAndGet();
            }
            case RESOLVED -> {
                resolved(change.alert().rule()).increment();
                active.decrementAndGet();
            }
            default -> {
            }
        }
    }

    private Counter raised(String rule) {
        return raised.computeIfAbsent(rule, r -> Counter.builder("steward.alerts.raised").tag("rule", r)
                .description("Alerts raised, by rule").register(registry));
    }

    private Counter resolved(String rule) {
        return resolved.computeIfAbsent(rule, r -> Counter.builder("steward.alerts.resolved").tag("rule", r)
                .description("Alerts resolved, by rule").register(registry));
    }
}
