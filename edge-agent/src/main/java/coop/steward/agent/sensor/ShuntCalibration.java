package coop.steward.agent.sensor;

/**
 * The calibration register of an INA219 or INA226 and the current one count of its current register stands for,
 * chosen as both datasheets describe: the smallest current LSB that still covers the largest expected current in
 * 15 bits ({@code maxCurrentA / 2^15}), rounded up to 1, 2 or 5 times a power of ten, then
 * {@code CAL = trunc(constant / (currentLsb * shuntOhms))}. The LSB actually used is recomputed from the truncated
 * register, so that readings stay exact. For the INA219 example (0.1 ohm, 2 A expected): 100 uA and CAL 4096.
 *
 * @param register   the value to write to the calibration register
 * @param currentLsb amperes per count of the current register
 */
record ShuntCalibration(int register, double currentLsb) {

    /**
     * @param constant     0.04096 for the INA219, 0.00512 for the INA226
     * @param registerMask the register's writable bits: 0xFFFE for the INA219 (bit 0 is void), 0x7FFF for the
     *                     INA226 (bit 15 is reserved)
     */
    static ShuntCalibration choose(double constant, int registerMask, double shuntOhms, double maxCurrentA) {
        // The register must fit: a small current through a small shunt would need a larger one than the chip has.
        double fits = constant / (registerMask * shuntOhms);
        double lsb = roundUp125(Math.max(maxCurrentA / 32_768, fits));
        int register = (int) Math.min(registerMask, Math.floor(constant / (lsb * shuntOhms) + 1e-9)) & registerMask;
        return new ShuntCalibration(register, constant / (register * shuntOhms));
    }

    /** The smallest of 1, 2 and 5 times a power of ten that is at least {@code value}. */
    static double roundUp125(double value) {
        double decade = Math.pow(10, Math.floor(Math.log10(value)));
        for (int step : new int[] {1, 2, 5, 10}) {
            if (step * decade >= value * (1 - 1e-12)) {
                return step * decade;
            }
        }
        return 10 * decade;
    }
}
