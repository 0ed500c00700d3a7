package coop.steward.agent.sensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import coop.steward.config.Wiring.Quantity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The INA219 driver against register values, with the datasheet's (SBOS448) calibration example: a 0.1 ohm shunt
 * and 2 A expected give a current LSB of 100 uA, CAL 4096 and a power LSB of 2 mW.
 */
class Ina219Test {
    private final FakeRegisters chip = new FakeRegisters().put(Ina219.BUS_VOLTAGE, 0x5DC2);
    private final Ina219 ina = new Ina219(chip, micros -> { }, "INA219 at 0x40", 0.1, 2.0);

    @Test
    void theDatasheetsExample_givesCal4096AndA100MicroampLsb() {
        assertThat(ina.calibration().register()).isEqualTo(4096);
        assertThat(ina.calibration().currentLsb()).isCloseTo(100e-6, within(1e-12));
    }

    @Test
    void onFirstUse_theChipIsConfiguredAndCalibrated() {
        ina.read(Quantity.VOLTAGE);

        // BRNG=1 (32 V), PG=11 (+-320 mV), BADC=SADC=1100 (16 samples), MODE=111 (shunt and bus, continuous)
        assertThat(chip.writes).containsExactly("00=3E67", "05=1000");
    }

    @ParameterizedTest(name = "bus register 0x{0} is {1} V")
    @CsvSource({
            "5DC2, 12.0",    // 3000 << 3, CNVR set
            "5DC3, 12.0",    // OVF is not part of the value (read separately)
            "0008, 0.004",   // one LSB: bits 15..3 count 4 mV
            "FFF8, 32.764",  // full scale: 8191 x 4 mV
            "0002, 0",
    })
    void busVoltage_isBits15To3Times4Millivolts(String register, double volts) {
        assertThat(Ina219.busVolts(Integer.parseInt(register, 16))).isCloseTo(volts, within(1e-9));
    }

    @ParameterizedTest(name = "current register 0x{0} is {1} A")
    @CsvSource({
            "2710, 1.0",
            "0001, 0.0001",
            "7FFF, 3.2767",
            "FC18, -0.1",    // current flowing back through the shunt: two's complement
            "8001, -3.2767",
    })
    void current_isSignedCountsOfTheCurrentLsb(String register, double amps) {
        chip.put(Ina219.CURRENT, Integer.parseInt(register, 16));

        assertThat(ina.read(Quantity.CURRENT)).isCloseTo(amps, within(1e-9));
    }

    @ParameterizedTest(name = "shunt register 0x{0} is {1} V")
    @CsvSource({
            "7D00, 0.32",    // datasheet table 7: +320 mV at PGA /8
            "8300, -0.32",   // -320 mV
            "03E8, 0.01",
            "FC18, -0.01",   // a negative shunt voltage, sign-extended
    })
    void shuntVoltage_isSignedTensOfMicrovolts(String register, double volts) {
        chip.put(Ina219.SHUNT_VOLTAGE, Integer.parseInt(register, 16));

        assertThat(ina.shuntVolts()).isCloseTo(volts, within(1e-12));
    }

    @Test
    void power_isCountsOfTwentyCurrentLsbs() {
        chip.put(Ina219.POWER, 3000); // 12 V x 0.5 A

        assertThat(ina.read(Quantity.POWER)).isCloseTo(6.0, within(1e-9));
    }

    @Test
    void untilTheFirstConversionIsReady_theDriverWaitsForCnvr() {
        chip.holdBack(Ina219.BUS_VOLTAGE, Ina219.CNVR, 4);

        assertThat(ina.read(Quantity.VOLTAGE)).isCloseTo(12.0, within(1e-9));
    }

    @Test
    void aConversionThatNeverBecomesReady_isAFault() {
        chip.holdBack(Ina219.BUS_VOLTAGE, Ina219.CNVR, Integer.MAX_VALUE);

        assertThatThrownBy(() -> ina.read(Quantity.VOLTAGE))
                .isInstanceOf(SensorFault.class)
                .hasMessageContaining("no conversion ready after it was configured (CNVR stayed 0)");
    }

    @Test
    void aMathOverflow_isAFault_notAValue() {
        chip.put(Ina219.BUS_VOLTAGE, 0x5DC3);

        assertThatThrownBy(() -> ina.read(Quantity.CURRENT))
                .isInstanceOf(SensorFault.class)
                .hasMessageContaining("math overflow");
    }

    @Test
    void aChipThatLostItsCalibration_isAFault_andIsCalibratedAgainForTheNextSample() {
        ina.read(Quantity.CURRENT);
        chip.put(Ina219.CALIBRATION, 0); // a power glitch reset the chip

        assertThatThrownBy(() -> ina.read(Quantity.CURRENT)).hasMessageContaining("lost its calibration");
        chip.put(Ina219.CURRENT, 0x2710);
        assertThat(ina.read(Quantity.CURRENT)).isCloseTo(1.0, within(1e-9));
        assertThat(chip.writes).containsExactly("00=3E67", "05=1000", "00=3E67", "05=1000");
    }
}
