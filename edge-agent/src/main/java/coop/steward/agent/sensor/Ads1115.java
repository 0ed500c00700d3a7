package coop.steward.agent.sensor;

/**
 * TI ADS1115 16-bit delta-sigma ADC (datasheet SBAS444), read one single-ended input at a time in single-shot
 * mode: write the config register with OS set to start a conversion, wait until OS reads 1 again (no conversion
 * in progress), then read the signed result from the conversion register.
 */
final class Ads1115 {
    static final int CONVERSION = 0x00;
    static final int CONFIG = 0x01;
    /** Written: start a single conversion. Read: 0 while converting, 1 when the result is ready. */
    static final int OS = 0x8000;
    private static final int MODE_SINGLE_SHOT = 0x0100;
    private static final int RATE_128_SPS = 0x0080;
    private static final int COMPARATOR_OFF = 0x0003;
    /** 1/128 s at 128 samples per second, plus the wake-up from power-down. */
    private static final long CONVERSION_MICROS = 7_850;
    private static final long POLL_MICROS = 1_000;
    private static final int MAX_POLLS = 20;
    private static final double[] FULL_SCALES = {6.144, 4.096, 2.048, 1.024, 0.512, 0.256};

    private final I2cRegisters registers;
    private final Pause pause;
    private final String name;

    Ads1115(I2cRegisters registers, Pause pause, String name) {
        this.registers = registers;
        this.pause = pause;
        this.name = name;
    }

    /** The config word that starts one conversion of {@code channel} against GND at this gain. */
    static int configFor(int channel, double fullScaleVolts) {
        int mux = 0b100 | channel; // AINx versus GND
        return OS | mux << 12 | pga(fullScaleVolts) << 9 | MODE_SINGLE_SHOT | RATE_128_SPS | COMPARATOR_OFF;
    }

    /** Volts of a conversion result: one count is FS / 32768, so 0x7FFF at +-4.096 V is 4.095875 V. */
    static double volts(int counts, double fullScaleVolts) {
        return counts * fullScaleVolts / 32_768;
    }

    /** Converts one input; the result is signed, -32768 to 32767. Throws {@link SensorFault}. */
    synchronized int readCounts(int channel, double fullScaleVolts) {
        registers.write16(CONFIG, configFor(channel, fullScaleVolts));
        pause.micros(CONVERSION_MICROS);
        for (int poll = 0; poll < MAX_POLLS; poll++) {
            if ((registers.read16(CONFIG) & OS) != 0) {
                return (short) registers.read16(CONVERSION);
            }
            pause.micros(POLL_MICROS);
        }
        throw new SensorFault(name + ": the conversion was not ready after "
                + (CONVERSION_MICROS + MAX_POLLS * POLL_MICROS) / 1000 + " ms (the config register's OS bit stayed 0)");
    }

    private static int pga(double fullScaleVolts) {
        for (int i = 0; i < FULL_SCALES.length; i++) {
            if (FULL_SCALES[i] == fullScaleVolts) {
                return i;
            }
        }
        throw new IllegalArgumentException("the ADS1115 has no full scale of " + fullScaleVolts + " V");
    }
}
