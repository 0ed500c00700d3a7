package coop.steward.config;

import coop.steward.protocol.Kind;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a sensor's {@code source} block: the driver's type and its wiring, checked against what the chip can do
 * (its addresses, channels, gains and ranges). Pins and bus addresses are also handed to {@link WiringCheck},
 * which finds two parts wired to the same place.
 */
final class SourceReader {
    static final double[] ADS1115_FULL_SCALES = {6.144, 4.096, 2.048, 1.024, 0.512, 0.256};
    static final double INA219_SHUNT_RANGE_V = 0.32;
    static final double INA226_SHUNT_RANGE_V = 0.08192;
    /** The only files a DS18B20 source may name: a probe's own, in the kernel's 1-Wire folder. */
    private static final Pattern DS18B20_PATH = Pattern.compile(Pattern.quote(Wiring.Ds18b20.W1_DEVICES + "/")
            + "(" + Wiring.Ds18b20.ID.pattern() + ")/(" + Wiring.Ds18b20.W1_SLAVE + "|" + Wiring.Ds18b20.TEMPERATURE
            + ")");

    private final WiringCheck check;

    SourceReader(WiringCheck check) {
        this.check = check;
    }

    /**
     * The source, or null when something was reported.
     *
     * @param kind the sensor's kind, or null when it was wrong (then only the block itself is checked)
     */
    SourceConfig read(Block block, String sensorId, Kind kind) {
        String type = block.requiredText("type", "type: simulated");
        if (type == null) {
            return null;
        }
        Wiring wiring = switch (type) {
            case SourceConfig.SIMULATED -> {
                block.allowOnly("type");
                yield new Wiring.Simulated();
            }
            case SourceConfig.ADS1115 -> ads1115(block.allowOnly("type", "bus", "address", "channel",
                    "fullScaleVolts", "output"));
            case SourceConfig.MCP3008 -> mcp3008(block.allowOnly("type", "bus", "chipSelect", "channel"));
            case SourceConfig.FLOW_METER -> flowMeter(block.allowOnly("type", "gpio", "pulsesPerLitre", "meter"),
                    sensorId, kind);
            case SourceConfig.INA219 -> powerMonitor(block, Wiring.PowerChip.INA219, kind);
            case SourceConfig.INA226 -> powerMonitor(block, Wiring.PowerChip.INA226, kind);
            case SourceConfig.DS18B20 -> ds18b20(block.allowOnly("type", "device", "path"), kind);
            case SourceConfig.GPIO_INPUT -> gpioInput(block.allowOnly("type", "gpio", "pull", "activeHigh"));
            default -> {
                TreeSet<String> types = new TreeSet<>(SourceConfig.SUPPORTED_TYPES);
                String likely = Spelling.closest(type, types).map(t -> " (did you mean '" + t + "'?)").orElse("");
                block.error("type", "'" + type + "' is not a supported source type; use one of "
                        + String.join(", ", types) + likely);
                yield null;
            }
        };
        return wiring == null ? null : new SourceConfig(type, block.plainExcept("type"), wiring);
    }

    /**
     * Why a sensor with this source must declare a calibration, or null when it need not: an ADC reports raw
     * counts (or volts), which are not the unit of a standard kind.
     */
    static String calibrationNeeded(Wiring wiring, Kind kind) {
        if (kind.isUserKind()) {
            return null;
        }
        boolean counts = wiring instanceof Wiring.Mcp3008
                || wiring instanceof Wiring.Ads1115 ads && ads.output() == Wiring.AdcOutput.COUNTS;
        boolean volts = wiring instanceof Wiring.Ads1115 ads && ads.output() == Wiring.AdcOutput.VOLTS;
        String example = "%".equals(kind.unit())
                ? "calibration: {type: two-point, dry: 21000, wet: 9000} with your probe's raw readings in dry and "
                        + "in soaked soil (read them with a sensor of kind x_soil_raw and no calibration)"
                : "calibration: {type: linear, gain: 0.000125, offset: 0}";
        if (counts) {
            return "an ADC reports raw counts, and " + kind.name() + " is measured in " + kind.unit()
                    + ": add a calibration that turns counts into " + kind.unit() + ", e.g. " + example;
        }
        if (volts && !"V".equals(kind.unit())) {
            return "this ADS1115 reports volts, and " + kind.name() + " is measured in " + kind.unit()
                    + ": add a calibration that turns volts into " + kind.unit() + ", e.g. " + example;
        }
        return null;
    }

    private Wiring ads1115(Block block) {
        Long bus = block.whole("bus", Range.between(0, 31), 1L);
        Long address = address(block, 0x48, 0x4B, "the ADS1115's ADDR pin selects 0x48 (to GND), 0x49 (to VDD), "
                + "0x4A (to SDA) or 0x4B (to SCL)");
        Long channel = block.requiredWhole("channel", Range.between(0, 3), "channel: 0");
        Double fullScale = block.decimal("fullScaleVolts", Range.aboveZero(), 4.096);
        if (fullScale != null && !isAds1115FullScale(fullScale)) {
            block.error("fullScaleVolts", Range.format(fullScale) + " is not a gain the ADS1115 has; use 6.144, "
                    + "4.096, 2.048, 1.024, 0.512 or 0.256: the smallest above the highest voltage on the input");
            fullScale = null;
        }
        String output = block.word("output", List.of("counts", "volts"), "counts");
        if (bus == null || address == null || channel == null || fullScale == null || output == null) {
            return null;
        }
        check.i2c(bus.intValue(), address.intValue(), "ADS1115", "", block.field("address"),
                block.lineOf("address"));
        return new Wiring.Ads1115(bus.intValue(), address.intValue(), channel.intValue(), fullScale,
                Wiring.AdcOutput.valueOf(output.toUpperCase(Locale.ROOT)));
    }

    private Wiring mcp3008(Block block) {
        Long bus = block.whole("bus", Range.between(0, 6), 0L);
        Long chipSelect = block.whole("chipSelect", Range.between(0, 2), 0L);
        Long channel = block.requiredWhole("channel", Range.between(0, 7), "channel: 0");
        if (bus == null || chipSelect == null || channel == null) {
            return null;
        }
        check.spi(bus.intValue(), chipSelect.intValue(), block.field("chipSelect"), block.line());
        return new Wiring.Mcp3008(bus.intValue(), chipSelect.intValue(), channel.intValue());
    }

    private Wiring flowMeter(Block block, String sensorId, Kind kind) {
        boolean kindFits = kind == null || kind.name().equals("flow_rate") || kind.name().equals("water_total");
        if (!kindFits) {
            block.error("type", "a flow meter gives flow_rate (L/min) or water_total (L), not " + kind.name());
        }
        if (block.has("meter")) {
            if (block.has("gpio") || block.has("pulsesPerLitre")) {
                block.error("meter", "give either gpio and pulsesPerLitre (on the sensor the meter is wired to) or "
                        + "meter (naming that sensor), not both");
                return null;
            }
            String meter = block.text("meter");
            if (meter == null) {
                return null;
            }
            check.meterReference(meter, block.field("meter"), block.lineOf("meter"));
            return kindFits ? new Wiring.FlowMeterRef(meter) : null;
        }
        Long gpio = gpio(block);
        Double pulsesPerLitre = block.requiredDecimal("pulsesPerLitre", Range.aboveZeroUpTo(1_000_000),
                "pulsesPerLitre: 450");
        if (gpio == null || pulsesPerLitre == null || !kindFits) {
            return null;
        }
        check.gpio(gpio.intValue(), "the flow meter of " + block.field("gpio").replace(".source.gpio", ""),
                block.field("gpio"), block.lineOf("gpio"));
        if (sensorId != null) {
            check.meter(sensorId);
        }
        return new Wiring.FlowMeter(gpio.intValue(), pulsesPerLitre);
    }

    private Wiring powerMonitor(Block block, Wiring.PowerChip chip, Kind kind) {
        block.allowOnly("type", "bus", "address", "shuntOhms", "maxCurrentA", "quantity");
        String name = chip.name();
        Long bus = block.whole("bus", Range.between(0, 31), 1L);
        Long address = address(block, 0x40, 0x4F, "the " + name + "'s A0 and A1 pins select 0x40 to 0x4F "
                + "(both to GND: 0x40)");
        Double shuntOhms = block.requiredDecimal("shuntOhms", Range.aboveZeroUpTo(100), "shuntOhms: 0.1");
        Double maxCurrentA = block.requiredDecimal("maxCurrentA", Range.aboveZeroUpTo(1000), "maxCurrentA: 3.2");
        String quantity = block.requiredWord("quantity", List.of("voltage", "current", "power"),
                "quantity: power");
        double shuntRange = chip == Wiring.PowerChip.INA219 ? INA219_SHUNT_RANGE_V : INA226_SHUNT_RANGE_V;
        if (shuntOhms != null && maxCurrentA != null && shuntOhms * maxCurrentA > shuntRange + 1e-12) {
            block.error("maxCurrentA", "at " + Range.format(maxCurrentA) + " A the " + Range.format(shuntOhms)
                    + " ohm shunt drops " + Range.format(round(shuntOhms * maxCurrentA)) + " V, beyond the " + name
                    + "'s shunt range of " + Range.format(shuntRange) + " V; use a smaller shunt or a lower "
                    + "maxCurrentA");
            maxCurrentA = null;
        }
        Wiring.Quantity measured = quantity == null ? null : Wiring.Quantity.valueOf(quantity.toUpperCase(Locale.ROOT));
        if (measured != null && kind != null && !kind.isUserKind() && !kind.unit().equals(measured.unit())) {
            block.error("quantity", quantity + " is measured in " + measured.unit() + ", but " + kind.name()
                    + " is measured in " + kind.unit() + "; use the quantity that matches the kind");
            measured = null;
        }
        if (bus == null || address == null || shuntOhms == null || maxCurrentA == null || measured == null) {
            return null;
        }
        check.i2c(bus.intValue(), address.intValue(), name, "shuntOhms " + Range.format(shuntOhms)
                + " and maxCurrentA " + Range.format(maxCurrentA), block.field("address"), block.lineOf("address"));
        return new Wiring.PowerMonitor(chip, bus.intValue(), address.intValue(), shuntOhms, maxCurrentA, measured);
    }

    private static Wiring ds18b20(Block block, Kind kind) {
        if (kind != null && !kind.isUserKind() && !"C".equals(kind.unit())) {
            block.error("type", "a DS18B20 measures temperature in C, not " + kind.name() + "; use kind "
                    + "soil_temperature or air_temperature");
            return null;
        }
        if (block.has("device") == block.has("path")) {
            block.error(block.has("device") ? "path" : "device", "give either device (the probe's 1-Wire id, e.g. "
                    + "device: 28-000005e2fdc3) or path (its w1_slave or temperature file), not both and not neither");
            return null;
        }
        if (block.has("device")) {
            String device = block.text("device");
            if (device == null) {
                return null;
            }
            if (!Wiring.Ds18b20.ID.matcher(device).matches()) {
                block.error("device", "'" + device + "' is not a DS18B20 id: they are 28- and 12 hex digits in lower "
                        + "case, as listed by ls /sys/bus/w1/devices");
                return null;
            }
            return new Wiring.Ds18b20(device, Wiring.Ds18b20.W1_SLAVE);
        }
        String path = block.text("path");
        if (path == null) {
            return null;
        }
        Matcher probe = DS18B20_PATH.matcher(path);
        if (!probe.matches()) {
            block.error("path", "'" + path + "' is not a DS18B20's file; the agent reads only "
                    + "/sys/bus/w1/devices/28-<12 hex digits>/w1_slave or .../temperature, e.g. "
                    + "/sys/bus/w1/devices/28-000005e2fdc3/w1_slave (or write device: 28-000005e2fdc3)");
            return null;
        }
        return new Wiring.Ds18b20(probe.group(1), probe.group(2));
    }

    private Wiring gpioInput(Block block) {
        Long gpio = gpio(block);
        String pull = block.requiredWord("pull", List.of("up", "down", "off"), "pull: up");
        Boolean activeHigh = block.flag("activeHigh", true);
        if (gpio == null || pull == null || activeHigh == null) {
            return null;
        }
        check.gpio(gpio.intValue(), block.field("gpio").replace(".source.gpio", ""), block.field("gpio"),
                block.lineOf("gpio"));
        return new Wiring.GpioInput(gpio.intValue(), Wiring.Pull.valueOf(pull.toUpperCase(Locale.ROOT)), activeHigh);
    }

    /** A BCM GPIO number of the 40-pin header. */
    static Long gpio(Block block) {
        return block.requiredWhole("gpio", Range.between(0, WiringCheck.MAX_GPIO), "gpio: 17");
    }

    private static Long address(Block block, int low, int high, String how) {
        if (!block.has("address")) {
            block.requiredText("address", "address: 0x" + Integer.toHexString(low));
            return null;
        }
        Long address = block.wholeOrHex("address", Range.anyFinite(), null);
        if (address != null && (address < low || address > high)) {
            String written = address >= 0 ? hex(address) : Long.toString(address);
            block.error("address", written + " is not an address this chip can have; " + how
                    + " (i2cdetect -y 1 lists the addresses on the bus)");
            return null;
        }
        return address;
    }

    static String hex(long address) {
        return String.format("0x%02X", address);
    }

    private static boolean isAds1115FullScale(double volts) {
        for (double scale : ADS1115_FULL_SCALES) {
            if (scale == volts) {
                return true;
            }
        }
        return false;
    }

    private static double round(double value) {
        return Math.round(value * 1e6) / 1e6;
    }
}
