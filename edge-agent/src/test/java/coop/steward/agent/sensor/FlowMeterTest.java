package coop.steward.agent.sensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.PullResistance;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A YF-S201 on Pi4J's mock GPIO: pulses in, litres per minute and a persisted total out. */
class FlowMeterTest {
    @TempDir
    Path storage;
    private final MockPi pi = new MockPi();
    private final AtomicLong nanos = new AtomicLong();

    @AfterEach
    void stop() {
        pi.close();
    }

    @Test
    void pulsesPerMinute_becomeLitresPerMinute() {
        FlowMeter meter = open(450);
        SensorSource rate = meter.rate();

        pulse(225);
        nanos.addAndGet(Duration.ofSeconds(30).toNanos());

        assertThat(rate.read(0)).isCloseTo(1.0, within(1e-9)); // 225 pulses = 0.5 L in half a minute
        nanos.addAndGet(Duration.ofSeconds(10).toNanos());
        assertThat(rate.read(0)).isZero(); // nothing since the previous sample
    }

    @Test
    void onlyRisingEdgesCount() {
        FlowMeter meter = open(450);
        MockDigitalInput input = pi.input(17);

        input.mockState(DigitalState.HIGH);
        input.mockState(DigitalState.HIGH);
        input.mockState(DigitalState.LOW);
        input.mockState(DigitalState.HIGH);

        assertThat(meter.pulses()).isEqualTo(2);
    }

    @Test
    void theTotal_isSavedAtomically_andGoesOnAfterARestart() throws IOException {
        FlowMeter meter = open(450);
        pulse(900);
        assertThat(meter.total().read(0)).isCloseTo(2.0, within(1e-9));
        meter.close();
        pi.board().releaseGpio(17);

        FlowMeter again = open(450);
        pulse(45);

        assertThat(again.total().read(0)).isCloseTo(2.1, within(1e-9));
        assertThat(Files.readString(storage.resolve("meters/flow.litres")).strip()).startsWith("2.1");
        assertThat(storage.resolve("meters")).isDirectoryNotContaining("glob:**.tmp");
    }

    @Test
    void eachRateSensor_measuresSinceItsOwnPreviousSample() {
        FlowMeter meter = open(450);
        SensorSource everyMinute = meter.rate();
        SensorSource everyHalfMinute = meter.rate();

        pulse(450);
        nanos.addAndGet(Duration.ofSeconds(30).toNanos());
        assertThat(everyHalfMinute.read(0)).isCloseTo(2.0, within(1e-9));
        nanos.addAndGet(Duration.ofSeconds(30).toNanos());

        assertThat(everyMinute.read(0)).isCloseTo(1.0, within(1e-9));
        assertThat(everyHalfMinute.read(0)).isZero();
    }

    @Test
    void aDamagedTotalFile_stopsTheAgentRatherThanRestartingTheCountFromZero() throws IOException {
        Files.createDirectories(storage.resolve("meters"));
        Files.writeString(storage.resolve("meters/flow.litres"), "12,5\n");

        assertThatThrownBy(() -> MeterTotal.open(storage, "flow"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot be read")
                .hasMessageContaining("delete it to start counting from 0 again");
    }

    private FlowMeter open(double pulsesPerLitre) {
        return new FlowMeter("flow meter flow", pi.board().input(17, PullResistance.OFF, FlowMeter.DEBOUNCE_MICROS),
                pulsesPerLitre, MeterTotal.open(storage, "flow"), nanos::get);
    }

    private void pulse(int count) {
        MockDigitalInput input = pi.input(17);
        for (int i = 0; i < count; i++) {
            input.mockState(DigitalState.HIGH);
            input.mockState(DigitalState.LOW);
        }
    }
}
