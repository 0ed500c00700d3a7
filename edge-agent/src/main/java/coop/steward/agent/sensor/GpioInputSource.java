package coop.steward.agent.sensor;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalState;

/** A GPIO input as 0 or 1: 1 when it is active (high, or low when {@code activeHigh} is false). */
final class GpioInputSource implements SensorSource {
    private final DigitalInput input;
    private final boolean activeHigh;

    GpioInputSource(DigitalInput input, boolean activeHigh) {
        this.input = input;
        this.activeHigh = activeHigh;
    }

    @Override
    public double read(long t) {
        DigitalState state = input.state();
        if (state != DigitalState.HIGH && state != DigitalState.LOW) {
            throw new SensorFault(input.name() + " reads " + state);
        }
        return (state == DigitalState.HIGH) == activeHigh ? 1 : 0;
    }
}
