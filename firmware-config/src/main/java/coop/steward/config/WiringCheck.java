package coop.steward.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Finds two parts of one device wired to the same place: a GPIO pin used twice (by sensors or actuators) or used
 * by a bus, two different chips at one I2C address, one chip given two different shunts, and flow meter references
 * that name no meter. Each conflict is reported at both lines, so either can be the one to fix.
 */
final class WiringCheck {
    /** The 40-pin header brings out BCM GPIO 0 to 27. */
    static final int MAX_GPIO = 27;

    private record Use(String what, String field, int line) {
        String where() {
            return what + " (line " + line + ")";
        }
    }

    private record Chip(String name, String settings, Use use) {
    }

    private record Reference(String meter, String field, int line) {
    }

    private final Problems problems;
    private final Map<Integer, Use> pins = new LinkedHashMap<>();
    private final Map<Integer, Use> busPins = new HashMap<>();
    private final Map<String, Chip> i2cChips = new HashMap<>();
    private final List<String> meters = new ArrayList<>();
    private final List<Reference> references = new ArrayList<>();

    WiringCheck(Problems problems) {
        this.problems = problems;
    }

    /** A part on a GPIO pin; {@code what} names it for messages, such as "actuators[0]". */
    void gpio(int pin, String what, String field, int line) {
        Use use = new Use(what, field, line);
        Use earlier = pins.putIfAbsent(pin, use);
        if (earlier != null) {
            problems.add(line, field, "GPIO " + pin + " is already used by " + earlier.where()
                    + "; every sensor and actuator needs a pin of its own");
            problems.add(earlier.line(), earlier.field(), "GPIO " + pin + " is used again by " + use.where()
                    + "; every sensor and actuator needs a pin of its own");
        }
    }

    /** A chip on I2C; {@code settings} must agree for every sensor on the same chip (such as its shunt). */
    void i2c(int bus, int address, String chip, String settings, String field, int line) {
        Use use = new Use(field.replace(".source.address", ""), field, line);
        String at = SourceReader.hex(address) + " on I2C bus " + bus;
        Chip earlier = i2cChips.putIfAbsent(bus + "/" + address, new Chip(chip, settings, use));
        if (earlier != null && !earlier.name().equals(chip)) {
            problems.add(line, field, at + " is already the " + earlier.name() + " of " + earlier.use().where()
                    + "; two chips cannot share an address: change one chip's address pins");
            problems.add(earlier.use().line(), field(earlier), at + " is also given to the " + chip + " of "
                    + use.where() + "; two chips cannot share an address: change one chip's address pins");
        } else if (earlier != null && !earlier.settings().equals(settings)) {
            problems.add(line, field, "the " + chip + " at " + at + " has " + earlier.settings() + " in "
                    + earlier.use().where() + ", and " + settings + " here; one chip has one shunt, so give them "
                    + "the same values");
        }
        if (bus == 0 || bus == 1) {
            // Bus 1 is the header's I2C (GPIO 2 and 3); bus 0 is the HAT EEPROM's (GPIO 0 and 1).
            reserve(bus == 1 ? 2 : 0, "I2C bus " + bus + " (SDA)", use);
            reserve(bus == 1 ? 3 : 1, "I2C bus " + bus + " (SCL)", use);
        }
    }

    /** A chip on SPI: the bus's clock and data pins and the chip-select pin are then taken. */
    void spi(int bus, int chipSelect, String field, int line) {
        Use use = new Use(field.replace(".source.chipSelect", ""), field, line);
        if (bus == 0) {
            reserve(9, "SPI0 (MISO)", use);
            reserve(10, "SPI0 (MOSI)", use);
            reserve(11, "SPI0 (SCLK)", use);
            if (chipSelect <= 1) {
                reserve(chipSelect == 0 ? 8 : 7, "SPI0 (CE" + chipSelect + ")", use);
            }
        } else if (bus == 1) {
            reserve(19, "SPI1 (MISO)", use);
            reserve(20, "SPI1 (MOSI)", use);
            reserve(21, "SPI1 (SCLK)", use);
            reserve(18 - chipSelect, "SPI1 (CE" + chipSelect + ")", use);
        }
    }

    /** A sensor that has a flow meter wired to it, so others can name it with {@code meter:}. */
    void meter(String sensorId) {
        meters.add(sensorId);
    }

    void meterReference(String meter, String field, int line) {
        references.add(new Reference(meter, field, line));
    }

    /** Reports what can only be seen once every sensor and actuator has been read. */
    void finish() {
        pins.forEach((pin, use) -> {
            Use bus = busPins.get(pin);
            if (bus != null) {
                problems.add(use.line(), use.field(), "GPIO " + pin + " is " + bus.what() + ", used by "
                        + bus.field() + " (line " + bus.line() + "); choose another pin");
            }
        });
        for (Reference reference : references) {
            if (!meters.contains(reference.meter())) {
                String known = meters.isEmpty() ? "this device has none yet: give one sensor "
                        + "source: {type: flow-meter, gpio: 17, pulsesPerLitre: 450}"
                        : "the sensors with one here are " + String.join(", ", new TreeSet<>(meters));
                problems.add(reference.line(), reference.field(), "'" + reference.meter() + "' is not a sensor "
                        + "with a flow meter wired to it (gpio and pulsesPerLitre); " + known);
            }
        }
    }

    private void reserve(int pin, String role, Use user) {
        busPins.putIfAbsent(pin, new Use(role, user.what(), user.line()));
    }

    private static String field(Chip chip) {
        return chip.use().field();
    }
}
