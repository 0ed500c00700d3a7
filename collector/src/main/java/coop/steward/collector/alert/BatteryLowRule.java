package coop.steward.collector.alert;

import coop.steward.collector.config.RuleConfig;
import java.util.HashSet;
import java.util.Set;

/**
 * A battery's state of charge below its limit for a while; for a device without a charge sensor, its voltage. A
 * device that reports its charge is judged on it alone, so one low battery makes one alert.
 */
final class BatteryLowRule implements Rule {
    static final String SOC = "battery_soc";
    static final String VOLTAGE = "battery_voltage";

    private final RuleConfig.BatteryLow config;
    private final long holdMs;
    private final Set<Subject> devicesWithSoc = new HashSet<>();

    BatteryLowRule(RuleConfig.BatteryLow config) {
        this.config = config;
        this.holdMs = config.hold().toMillis();
    }

    @Override
    public RuleConfig.Basics basics() {
        return config.basics();
    }

    @Override
    public Set<String> kinds() {
        return Set.of(SOC, VOLTAGE);
    }

    @Override
    public void accept(Sample s, AlertSink sink) {
        if (!config.basics().target().matches(s.site(), s.device(), s.sensor())) {
            return;
        }
        boolean soc = SOC.equals(s.kind());
        Subject device = s.deviceSubject();
        if (soc) {
            devicesWithSoc.add(device);
        } else if (devicesWithSoc.contains(device)) {
            return;
        }
        double limit = soc ? config.socBelow() : config.voltageBelow();
        double clearAt = limit + (soc ? config.socHysteresis() : config.voltageHysteresis());
        Episode episode = Episode.of(this, s, holdMs, sink);
        if (s.value() < limit) {
            if (episode.met(s.t()) == Episode.Step.RAISE) {
                String what = soc ? "charge" : "voltage";
                sink.raise(new Finding(basics(), s.subject(), s.t(), s.value(), "The battery of "
                        + device.path() + " is low: its " + what + " (" + s.sensor() + ") has been below "
                        + Wording.value(limit, s.kind()) + " since " + Wording.time(episode.since()) + " and reads "
                        + Wording.value(s.value(), s.kind()) + ".", episode.since()));
            }
        } else if (s.value() >= clearAt) {
            if (episode.cleared() == Episode.Step.CLEAR) {
                sink.clear(id(), s.subject(), s.t(), "The battery is back at " + Wording.value(s.value(), s.kind())
                        + ".");
            }
        } else {
            episode.neither();
        }
    }
}
