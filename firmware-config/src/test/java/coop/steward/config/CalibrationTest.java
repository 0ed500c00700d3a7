package coop.steward.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CalibrationTest {

    @ParameterizedTest(name = "raw {0} * {1} + {2} = {3}")
    @CsvSource({
            "0, 2, 1, 1",
            "10, 2, 1, 21",
            "-4, 0.5, 0, -2",
            "3.3, 11, -0.3, 36",
    })
    void linear_multipliesByGainAndAddsOffset(double raw, double gain, double offset, double expected) {
        assertThat(new Calibration.Linear(gain, offset).apply(raw)).isCloseTo(expected, within(1e-9));
    }

    @ParameterizedTest(name = "dry {0}, wet {1}: raw {2} reads {3} %")
    @CsvSource({
            "520, 260, 520, 0",
            "520, 260, 260, 100",
            "520, 260, 390, 50",
            "520, 260, 600, 0",
            "520, 260, 100, 100",
            "200, 800, 350, 25",
            "200, 800, 1000, 100",
            "200, 800, -5, 0",
    })
    void twoPoint_mapsDryToZeroAndWetToHundred_clampedBetween(double dry, double wet, double raw, double expected) {
        assertThat(new Calibration.TwoPoint(dry, wet).apply(raw)).isCloseTo(expected, within(1e-9));
    }

    @Test
    void twoPoint_passesABrokenSourcesNaNOn_ratherThanHidingItInTheClamp() {
        assertThat(new Calibration.TwoPoint(520, 260).apply(Double.NaN)).isNaN();
    }

    @Test
    void calibrationsThatCannotWork_areRefusedWhenCreated() {
        assertThatThrownBy(() -> new Calibration.Linear(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Calibration.Linear(Double.NaN, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Calibration.TwoPoint(300, 300)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Calibration.TwoPoint(300, Double.POSITIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
