package coop.steward.agent.sensor;

import coop.steward.config.Wiring;

/** One quantity of an INA219 or INA226; several sensors may read the same chip. */
final class PowerMonitorSource implements SensorSource {
    private final PowerMonitor chip;
    private final Wiring.Quantity quantity;

    PowerMonitorSource(PowerMonitor chip, Wiring.Quantity quantity) {
        this.chip = chip;
        this.quantity = quantity;
    }

    @Override
    public double read(long t) {
        return chip.read(quantity);
    }
}
