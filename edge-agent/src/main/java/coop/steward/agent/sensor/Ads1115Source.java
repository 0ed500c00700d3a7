package coop.steward.agent.sensor;

import coop.steward.config.Wiring;

/**
 * One input of an ADS1115, as counts or volts. A result pinned at either end of the range is a fault: the input is
 * at or beyond the gain's full scale, so its real value is unknown.
 */
final class Ads1115Source implements SensorSource {
    private final Ads1115 chip;
    private final Wiring.Ads1115 wiring;
    private final String name;

    Ads1115Source(Ads1115 chip, Wiring.Ads1115 wiring, String name) {
        this.chip = chip;
        this.wiring = wiring;
        this.name = name;
    }

    @Override
    public double read(long t) {
        int counts = chip.readCounts(wiring.channel(), wiring.fullScaleVolts());
        if (counts == Short.MAX_VALUE || counts == Short.MIN_VALUE) {
            throw new SensorFault(name + " channel " + wiring.channel() + " reads full scale (" + counts + "): the input "
                    + "is at or beyond +-" + wiring.fullScaleVolts() + " V, so its value is unknown; use a larger "
                    + "fullScaleVolts or check the wiring");
        }
        return wiring.output() == Wiring.AdcOutput.VOLTS ? Ads1115.volts(counts, wiring.fullScaleVolts()) : counts;
    }
}
