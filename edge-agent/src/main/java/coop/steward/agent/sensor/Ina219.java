package coop.steward.agent.sensor;

import coop.steward.config.Wiring;

/**
 * TI INA219 current and power monitor (datasheet SBOS448), in continuous mode with a 32 V bus range, the
 * +-320 mV shunt range and 16-sample averaging. Registers: shunt voltage (signed, 10 uV), bus voltage (bits 15..3,
 * 4 mV; bit 1 CNVR conversion ready, bit 0 OVF math overflow), power (20 current LSBs), current (signed) and
 * calibration. The chip is configured on first use and again when it lost its calibration (a power glitch resets
 * it to 0, after which it reports no current at all).
 */
final class Ina219 implements PowerMonitor {
    static final int CONFIG = 0x00;
    static final int SHUNT_VOLTAGE = 0x01;
    static final int BUS_VOLTAGE = 0x02;
    static final int POWER = 0x03;
    static final int CURRENT = 0x04;
    static final int CALIBRATION = 0x05;
    /** BRNG 32 V, PGA /8 (+-320 mV), bus and shunt ADC 12 bit averaged over 16 samples, shunt and bus continuous. */
    static final int CONFIG_32V_320MV_AVG16 = 0x3E67;
    static final int CNVR = 0x0002;
    static final int OVF = 0x0001;
    static final double CALIBRATION_CONSTANT = 0.04096;
    /** Two conversions of 16 samples at 532 us each. */
    private static final long FIRST_CONVERSION_MICROS = 17_100;
    private static final long POLL_MICROS = 2_000;
    private static final int MAX_POLLS = 10;

    private final I2cRegisters registers;
    private final Pause pause;
    private final String name;
    private final ShuntCalibration calibration;
    private boolean configured;

    Ina219(I2cRegisters registers, Pause pause, String name, double shuntOhms, double maxCurrentA) {
        this.registers = registers;
        this.pause = pause;
        this.name = name;
        this.calibration = ShuntCalibration.choose(CALIBRATION_CONSTANT, 0xFFFE, shuntOhms, maxCurrentA);
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
        int bus = registers.read16(BUS_VOLTAGE);
        if ((bus & OVF) != 0) {
            throw new SensorFault(name + ": math overflow, the current or power is beyond what the calibration "
                    + "covers; raise maxCurrentA");
        }
        return switch (quantity) {
            case VOLTAGE -> busVolts(bus);
            case CURRENT -> (short) registers.read16(CURRENT) * calibration.currentLsb();
            case POWER -> registers.read16(POWER) * 20 * calibration.currentLsb();
        };
    }

    /** The shunt voltage register: signed, 10 uV a count at every PGA setting. */
    synchronized double shuntVolts() {
        return (short) registers.read16(SHUNT_VOLTAGE) * 10e-6;
    }

    static double busVolts(int register) {
        return (register >>> 3) * 0.004;
    }

    private void configureOnce() {
        if (configured) {
            return;
        }
        registers.write16(CONFIG, CONFIG_32V_320MV_AVG16);
        registers.write16(CALIBRATION, calibration.register());
        pause.micros(FIRST_CONVERSION_MICROS);
        for (int poll = 0; poll < MAX_POLLS; poll++) {
            if ((registers.read16(BUS_VOLTAGE) & CNVR) != 0) {
                configured = true;
                return;
            }
            pause.micros(POLL_MICROS);
        }
        throw new SensorFault(name + ": no conversion ready after it was configured (CNVR stayed 0)");
    }
}
