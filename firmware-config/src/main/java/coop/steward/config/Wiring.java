package coop.steward.config;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * How a sensor's source is wired: the typed form of its {@code source} block, checked against the chip's
 * datasheet when the file is read. Pins are BCM GPIO numbers (the "GPIO17" names, not header pin numbers).
 */
public sealed interface Wiring {

    /** The simulated plot or array of the device: no hardware. */
    record Simulated() implements Wiring {
    }

    /**
     * One single-ended input of a TI ADS1115 16-bit ADC on I2C.
     *
     * @param fullScaleVolts the programmable gain, as the input voltage that reads full scale: 6.144, 4.096,
     *                       2.048, 1.024, 0.512 or 0.256
     * @param output         what the source reports: the signed conversion result (counts) or volts
     */
    record Ads1115(int bus, int address, int channel, double fullScaleVolts, AdcOutput output) implements Wiring {
    }

    /** One single-ended input of a Microchip MCP3008 10-bit ADC on SPI; reports counts 0..1023. */
    record Mcp3008(int bus, int chipSelect, int channel) implements Wiring {
    }

    /**
     * A hall-effect flow meter (YF-S201 class) counted on a GPIO input. A sensor of kind {@code flow_rate} reports
     * litres per minute since its previous sample; one of kind {@code water_total} reports the persisted litres.
     */
    record FlowMeter(int gpio, double pulsesPerLitre) implements Wiring {
    }

    /** The flow meter wired on another sensor of this device, named by that sensor's id. */
    record FlowMeterRef(String meter) implements Wiring {
    }

    /** A TI INA219 or INA226 current and power monitor on I2C, with its shunt. */
    record PowerMonitor(PowerChip chip, int bus, int address, double shuntOhms, double maxCurrentA,
                        Quantity quantity) implements Wiring {
    }

    /**
     * A Maxim DS18B20 thermometer on the 1-Wire bus, read through a file the kernel's w1-therm driver gives it in
     * {@code /sys/bus/w1/devices}. Nothing else can be named: a config, pushed by whoever can reach the broker,
     * must not turn the agent into a reader of the device's other files.
     *
     * @param device the probe's id, {@code 28-} and 12 lower-case hex digits
     * @param file   {@link #W1_SLAVE} (the scratchpad with its CRC check) or {@link #TEMPERATURE} (millidegrees,
     *               kernels from 5.10)
     */
    record Ds18b20(String device, String file) implements Wiring {
        public static final Path W1_DEVICES = Path.of("/sys/bus/w1/devices");
        public static final String W1_SLAVE = "w1_slave";
        public static final String TEMPERATURE = "temperature";
        /** Family code 28 is the DS18B20's (10 is the DS18S20, 22 the DS1822, which read differently). */
        public static final Pattern ID = Pattern.compile("28-[0-9a-f]{12}");

        public Ds18b20 {
            if (device == null || !ID.matcher(device).matches()) {
                throw new IllegalArgumentException("not a DS18B20 id: " + device);
            }
            if (!W1_SLAVE.equals(file) && !TEMPERATURE.equals(file)) {
                throw new IllegalArgumentException("a DS18B20 is read through w1_slave or temperature, not " + file);
            }
        }

        /** The probe's file under {@code /sys/bus/w1/devices}. */
        public Path path() {
            return W1_DEVICES.resolve(device).resolve(file);
        }
    }

    /** A GPIO input read as 0 or 1 (a float switch, a door contact); 1 when the input is active. */
    record GpioInput(int gpio, Pull pull, boolean activeHigh) implements Wiring {
    }

    enum AdcOutput { COUNTS, VOLTS }

    enum PowerChip { INA219, INA226 }

    /** What a power monitor source reports, with the unit it is reported in. */
    enum Quantity {
        VOLTAGE("V"), CURRENT("A"), POWER("W");

        private final String unit;

        Quantity(String unit) {
            this.unit = unit;
        }

        public String unit() {
            return unit;
        }
    }

    enum Pull { UP, DOWN, OFF }
}
