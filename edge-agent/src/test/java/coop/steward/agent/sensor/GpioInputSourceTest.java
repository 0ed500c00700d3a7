package coop.steward.agent.sensor;

import static org.assertj.core.api.Assertions.assertThat;

import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.PullResistance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GpioInputSourceTest {
    private final MockPi pi = new MockPi();

    @AfterEach
    void stop() {
        pi.close();
    }

    @Test
    void anActiveHighInput_readsOneWhenHigh() {
        GpioInputSource source = new GpioInputSource(pi.board().input(5, PullResistance.PULL_DOWN, 10_000), true);

        pi.input(5).mockState(DigitalState.HIGH);
        assertThat(source.read(0)).isEqualTo(1);
        pi.input(5).mockState(DigitalState.LOW);
        assertThat(source.read(0)).isZero();
    }

    @Test
    void anActiveLowInput_aSwitchToGround_readsOneWhenPulledLow() {
        GpioInputSource source = new GpioInputSource(pi.board().input(22, PullResistance.PULL_UP, 10_000), false);

        pi.input(22).mockState(DigitalState.LOW);
        assertThat(source.read(0)).isEqualTo(1);
        pi.input(22).mockState(DigitalState.HIGH);
        assertThat(source.read(0)).isZero();
    }
}
