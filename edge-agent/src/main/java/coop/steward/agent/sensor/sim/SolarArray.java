package coop.steward.agent.sensor.sim;

/** Panels behind an MPPT charge controller: power, and the voltage and current the controller holds them at. */
final class SolarArray {
    private static final double STC_IRRADIANCE = 1000;
    private static final double STC_CELL_C = 25;
    private static final double POWER_PER_KELVIN = -0.004;
    /** Wiring, mismatch and dust. */
    private static final double SYSTEM_LOSSES = 0.95;
    private static final double MPP_VOLTAGE = 36;
    private static final double VOLTAGE_PER_KELVIN = -0.0035;
    /** Below this the controller sees no usable panel voltage. */
    private static final double DARK_IRRADIANCE = 2;

    private final double peakPowerW;

    SolarArray(double peakPowerW) {
        this.peakPowerW = peakPowerW;
    }

    double power(double irradiance, double airC) {
        double hotter = Math.max(0, cellTemperature(irradiance, airC) - STC_CELL_C);
        double derating = 1 + POWER_PER_KELVIN * hotter;
        return Math.max(0, peakPowerW * irradiance / STC_IRRADIANCE * derating * SYSTEM_LOSSES);
    }

    /** Maximum-power-point voltage: lower when the cells are hot, and in weak light. */
    double voltage(double irradiance, double airC) {
        if (irradiance < DARK_IRRADIANCE) {
            return 0;
        }
        double temperature = 1 + VOLTAGE_PER_KELVIN * (cellTemperature(irradiance, airC) - STC_CELL_C);
        double light = 1 + 0.04 * Math.log(Math.min(irradiance, 1200) / STC_IRRADIANCE);
        return MPP_VOLTAGE * temperature * light;
    }

    double current(double irradiance, double airC) {
        double voltage = voltage(irradiance, airC);
        return voltage < 1 ? 0 : power(irradiance, airC) / voltage;
    }

    /** Panels run about 25 C above the air in full sun (a nominal operating cell temperature of 45 C). */
    private static double cellTemperature(double irradiance, double airC) {
        return airC + irradiance * 25 / 800;
    }
}
