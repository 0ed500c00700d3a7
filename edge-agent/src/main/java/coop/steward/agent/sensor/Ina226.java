package coop.steward.agent.sensor;

import coop.steward.config.Wiring;

/**
 * TI INA226 current and power monitor (datasheet SBOS547), in continuous mode averaging 16 samples of 1.1 ms.
 * Registers: shunt voltage (signed, 2.5 uV), bus voltage (1.25 mV), power (25 current LSBs), current (signed),
 * calibration, and mask/enable (bit 3 CVRF conversion ready, bit 2 OVF math overflow). Before first use the
 * manufacturer and die ids are checked, so a wrong chip at the address is named as such.
 */
final class Ina226 implements PowerMonitor {
    static final int CONFIG = 0x00;
    static final int SHUNT_VOLTAGE = 0x01;
    static final int BUS_VOLTAGE = 0x02;
    static final int POWER = 0x03;
    static final int CURRENT = 0x04;
    static final int CALIBRATION = 0x05;
    static final int MASK_ENABLE = 0x06;
    static final int MANUFACTURER_ID = 0xFE;
    static final int DIE_ID = 0xFF;
    static final int TEXAS_INSTRUMENTS = 0x5449;
    static final int INA226_DIE = 0x2260;
    /** AVG 16, bus and shunt conversion 1.1 ms, shunt and bus continuous. */
    static final int CONFIG_AVG16_1100US = 0x4527;
    static final int CVRF = 0x0008;
    static final int OVF = 0x0004;
    static final double CALIBRATION_CONSTANT = 0.00512;
    /** 16 samples of bus and shunt at 1.1 ms each. */
    private static final long FIRST_CONVERSION_MICROS = 35_300;
    private static final long POLL_MICROS = 2_000;
    private static final int MAX_POLLS = 10;

    private final I2cRegisters registers;
    private final Pause pause;
    private final String name;
    private final ShuntCalibration calibration;
    private boolean configured;

    Ina226(I2cRegisters registers, Pause pause, String name, double shuntOhms, double maxCurrentA) {
        this.registers = registers;
        this.pause = pause;
        this.name = name;
        this.calibration = ShuntCalibration.choose(CALIBRATION_CONSTANT, 0x7FFF, shuntOhms, maxCurrentA);
    }

    ShuntCalibration calibration() {
        return calibration;
    }

    @Override
    public synchronized double read(Wiring.Quantity quantity) {
        configureOnce();
        if (registers.read16(CALIBRATION) != calibration.register()) {
            configured = false;
            throw new SensorFault(name + " lost its calibration (a power glitch resets the chip); it is configured "
                    + "again for the next sample");
        }
        if ((registers.read16(MASK_ENABLE) & OVF) != 0) {
            throw new SensorFault(name + ": math overflow, the current or power is beyond what the calibration "
                    + "covers; raise maxCurrentA");
        }
        return switch (quantity) {
            case VOLTAGE -> registers.read16(BUS_VOLTAGE) * 1.25e-3;
            case CURRENT -> (short) registers.read16(CURRENT) * calibration.currentLsb();
            case POWER -> registers.read16(POWER) * 25 * calibration.currentLsb();
        };
    }

    /** The shunt voltage register: signed, 2.5 uV a count. */
    synchronized double shuntVolts() {
        return (short) registers.read16(SHUNT_VOLTAGE) * 2.5e-6;
    }

    private void configureOnce() {
        if (configured) {
            return;
        }
        int manufacturer = registers.read16(MANUFACTURER_ID);
        int die = registers.read16(DIE_ID);
        if (manufacturer != TEXAS_INSTRUMENTS || (die & 0xFFF0) != INA226_DIE) {
            throw new SensorFault(String.format("%s is not an INA226: its manufacturer id is 0x%04X and its die id "
                    + "0x%04X (an INA226 has 0x5449 and 0x226x); check the chip and the address", name, manufacturer,
                    die));
        }
        registers.write16(CONFIG, CONFIG_AVG16_1100US);
        registers.write16(CALIBRATION, calibration.register());
        pause.micros(FIRST_CONVERSION_MICROS);
        for (int poll = 0; poll < MAX_POLLS; poll++) {
            // Reading mask/enable clears CVRF; it is set again at the end of the next conversion.
            if ((registers.read16(MASK_ENABLE) & CVRF) != 0) {
                configured = true;
                return;
            }
            pause.micros(POLL_MICROS);
        }
        throw new SensorFault(name + ": no conversion ready after it was configured (CVRF stayed 0)");
    }
}
