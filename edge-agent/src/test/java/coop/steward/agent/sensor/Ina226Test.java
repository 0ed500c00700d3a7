package coop.steward.agent.sensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import coop.steward.config.Wiring.Quantity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The INA226 driver against register values (SBOS547): CAL = 0.00512 / (Current_LSB x R); with a 2 mOhm shunt and
 * 20 A expected, Current_LSB rounds up to 1 mA and CAL is 2560; bus voltage is 1.25 mV and shunt voltage 2.5 uV a
 * count; power is 25 current LSBs.
 */
class Ina226Test {
    private final FakeRegisters chip = new FakeRegisters()
            .put(Ina226.MANUFACTURER_ID, 0x5449)
            .put(Ina226.DIE_ID, 0x2260)
            .put(Ina226.MASK_ENABLE, Ina226.CVRF)
            .put(Ina226.BUS_VOLTAGE, 0x2580);
    private final Ina226 ina = new Ina226(chip, micros -> { }, "INA226 at 0x41", 0.002, 20);

    @Test
    void calibration_followsTheDatasheetsEquation() {
        assertThat(ina.calibration().register()).isEqualTo(2560);
        assertThat(ina.calibration().currentLsb()).isCloseTo(1e-3, within(1e-12));
    }

    @Test
    void onFirstUse_theChipIsIdentifiedConfiguredAndCalibrated() {
        ina.read(Quantity.VOLTAGE);

        // AVG=010 (16), VBUSCT=VSHCT=100 (1.1 ms), MODE=111 (shunt and bus, continuous)
        assertThat(chip.writes).containsExactly("00=4527", "05=0A00");
    }

    @ParameterizedTest(name = "bus register 0x{0} is {1} V")
    @CsvSource({"2580, 12.0", "0001, 0.00125", "7FFF, 40.95875"})
    void busVoltage_is1point25MillivoltsACount(String register, double volts) {
        chip.put(Ina226.BUS_VOLTAGE, Integer.parseInt(register, 16));

        assertThat(ina.read(Quantity.VOLTAGE)).isCloseTo(volts, within(1e-9));
    }

    @ParameterizedTest(name = "current register 0x{0} is {1} A")
    @CsvSource({"2710, 10.0", "D8F0, -10.0", "FFFF, -0.001", "7FFF, 32.767"})
    void current_isSignedCountsOfTheCurrentLsb(String register, double amps) {
        chip.put(Ina226.CURRENT, Integer.parseInt(register, 16));

        assertThat(ina.read(Quantity.CURRENT)).isCloseTo(amps, within(1e-9));
    }

    @ParameterizedTest(name = "shunt register 0x{0} is {1} V")
    @CsvSource({"7FFF, 0.0819175", "8000, -0.08192", "0001, 0.0000025", "FFFF, -0.0000025"})
    void shuntVoltage_isSigned2point5MicrovoltsACount(String register, double volts) {
        chip.put(Ina226.SHUNT_VOLTAGE, Integer.parseInt(register, 16));

        assertThat(ina.shuntVolts()).isCloseTo(volts, within(1e-12));
    }

    @Test
    void power_isCountsOf25CurrentLsbs() {
        chip.put(Ina226.POWER, 4800); // 12 V x 10 A

        assertThat(ina.read(Quantity.POWER)).isCloseTo(120.0, within(1e-9));
    }

    @Test
    void anotherChipAtTheAddress_isNamedAsSuch() {
        chip.put(Ina226.MANUFACTURER_ID, 0x0000).put(Ina226.DIE_ID, 0x0000);

        assertThatThrownBy(() -> ina.read(Quantity.VOLTAGE))
                .isInstanceOf(SensorFault.class)
                .hasMessageContaining("INA226 at 0x41 is not an INA226: its manufacturer id is 0x0000");
        assertThat(chip.writes).isEmpty();
    }

    @Test
    void untilTheFirstConversionIsReady_theDriverWaitsForCvrf() {
        chip.holdBack(Ina226.MASK_ENABLE, Ina226.CVRF, 3);

        assertThat(ina.read(Quantity.VOLTAGE)).isCloseTo(12.0, within(1e-9));
    }

    @Test
    void aConversionThatNeverBecomesReady_isAFault() {
        chip.holdBack(Ina226.MASK_ENABLE, Ina226.CVRF, Integer.MAX_VALUE);

        assertThatThrownBy(() -> ina.read(Quantity.VOLTAGE)).hasMessageContaining("CVRF stayed 0");
    }

    @Test
    void aMathOverflow_isAFault() {
        ina.read(Quantity.VOLTAGE);
        chip.put(Ina226.MASK_ENABLE, Ina226.OVF);

        assertThatThrownBy(() -> ina.read(Quantity.POWER)).hasMessageContaining("math overflow");
    }
}
