package coop.steward.agent.sensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ShuntCalibrationTest {

    @ParameterizedTest(name = "{0} rounds up to {1}")
    @CsvSource({"61.035e-6, 100e-6", "100e-6, 100e-6", "101e-6, 200e-6", "457.8e-6, 500e-6", "0.0013, 0.002",
            "3.0e-5, 5.0e-5"})
    void theCurrentLsb_roundsUpTo1_2Or5TimesAPowerOfTen(double value, double rounded) {
        assertThat(ShuntCalibration.roundUp125(value)).isCloseTo(rounded, within(rounded * 1e-9));
    }

    @Test
    void ina219_datasheetExample() {
        ShuntCalibration calibration = ShuntCalibration.choose(0.04096, 0xFFFE, 0.1, 2);

        assertThat(calibration.register()).isEqualTo(4096);
    }

    @Test
    void aTinyExpectedCurrent_stillGivesARegisterThatFits() {
        // 1 mA through 0.1 ohm would need CAL above 0xFFFE at its own LSB; the LSB is made coarse enough to fit.
        ShuntCalibration calibration = ShuntCalibration.choose(0.04096, 0xFFFE, 0.1, 0.001);

        assertThat(calibration.register()).isBetween(1, 0xFFFE);
        assertThat(calibration.register() & 1).isZero();
        assertThat(calibration.currentLsb()).isCloseTo(0.04096 / (calibration.register() * 0.1), within(1e-15));
    }

    @Test
    void theLsbUsed_isRecomputedFromTheTruncatedRegister() {
        // 0.003 ohm, 10 A: LSB 500 uA, CAL = trunc(0.00512 / 1.5e-6) = 3413, so one count is 500.1 uA.
        ShuntCalibration calibration = ShuntCalibration.choose(0.00512, 0x7FFF, 0.003, 10);

        assertThat(calibration.register()).isEqualTo(3413);
        assertThat(calibration.currentLsb()).isCloseTo(0.00512 / (3413 * 0.003), within(1e-15));
    }
}
