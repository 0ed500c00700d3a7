package coop.steward.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TableCalibrationTest {
    /** A capacitive probe's curve: counts fall as the soil gets wetter. */
    private static final Calibration.Table FALLING = new Calibration.Table(List.of(
            new Calibration.Point(780, 0), new Calibration.Point(640, 20), new Calibration.Point(520, 45),
            new Calibration.Point(400, 100)));

    @ParameterizedTest(name = "raw {0} reads {1}")
    @CsvSource({
            "780, 0",
            "710, 10",
            "640, 20",
            "580, 32.5",
            "400, 100",
            "460, 72.5",
            "900, 0",
            "100, 100",
    })
    void fallingTable_interpolatesBetweenPoints_andHoldsTheEndValuesBeyond(double raw, double expected) {
        assertThat(FALLING.apply(raw)).isCloseTo(expected, within(1e-9));
    }

    @ParameterizedTest(name = "raw {0} reads {1}")
    @CsvSource({
            "-10, -40",
            "0, -40",
            "50, 30",
            "100, 100",
            "150, 100",
    })
    void risingTable_interpolatesToo(double raw, double expected) {
        Calibration.Table rising = new Calibration.Table(List.of(new Calibration.Point(0, -40),
                new Calibration.Point(100, 100)));

        assertThat(rising.apply(raw)).isCloseTo(expected, within(1e-9));
    }

    @Test
    void aBrokenSourcesNaN_passesThrough() {
        assertThat(FALLING.apply(Double.NaN)).isNaN();
    }

    @Test
    void tablesThatCannotWork_areRefusedWhenCreated() {
        assertThatThrownBy(() -> new Calibration.Table(List.of(new Calibration.Point(1, 1))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Calibration.Table(List.of(new Calibration.Point(1, 1),
                new Calibration.Point(2, 2), new Calibration.Point(2, 3))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Calibration.Table(List.of(new Calibration.Point(1, 1),
                new Calibration.Point(3, 2), new Calibration.Point(2, 3))))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
