package coop.steward.agent.sensor;

import coop.steward.config.Wiring;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A DS18B20 thermometer through the kernel's w1-therm driver. Reading its {@code w1_slave} file makes the kernel
 * run a conversion (about 750 ms at 12 bits) and gives the nine scratchpad bytes, the CRC check, and {@code t=} in
 * millidegrees:
 * <pre>
 * 72 01 4b 46 7f ff 0e 10 57 : crc=57 YES
 * 72 01 4b 46 7f ff 0e 10 57 t=23125
 * </pre>
 * The temperature is taken from the first two scratchpad bytes as the datasheet gives it (a signed 16-bit value in
 * sixteenths of a degree: 0x0172 is +23.125 C, 0xFF5E is -10.125 C). A failed CRC, an all-zero scratchpad (a bus
 * held low passes the CRC) and the power-on value +85 C (0x0550: no conversion ran) are faults. Kernels from 5.10
 * also give a {@code temperature} file, millidegrees alone (the kernel checks the CRC), read when the config names
 * it.
 *
 * <p>At most {@value #MAX_BYTES} bytes are read (a {@code w1_slave} file has about 75), and a fault never quotes
 * what was read: fault texts go into the retained status, which anyone on the broker can read.
 */
final class Ds18b20Source implements SensorSource {
    static final int POWER_ON_RESET = 0x0550;
    static final int MAX_BYTES = 512;
    private static final Pattern MILLIDEGREES = Pattern.compile("-?[0-9]{1,6}");
    private static final Pattern HEX_BYTE = Pattern.compile("[0-9a-fA-F]{2}");
    private final Path file;

    /** Reads {@code file}; the agent gives only a probe's file under /sys/bus/w1/devices, tests one of their own. */
    Ds18b20Source(Path file) {
        this.file = file;
    }

    @Override
    public double read(long t) {
        String text = readAtMost(file, MAX_BYTES);
        if (file.getFileName().toString().equals(Wiring.Ds18b20.TEMPERATURE)) {
            return fromTemperatureFile(text, file.toString());
        }
        return celsius(text.lines().toList(), file.toString());
    }

    /** The file's first bytes as ASCII; a fault when there are more than {@code max}: not a probe's file. */
    private static String readAtMost(Path file, int max) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(max + 1);
        } catch (NoSuchFileException e) {
            throw new SensorFault("no DS18B20 at " + file + ": check the probe's wiring and its 4.7 kOhm pull-up, and "
                    + "that 1-Wire is on (dtoverlay=w1-gpio in /boot/firmware/config.txt)");
        } catch (IOException e) {
            throw new SensorFault("cannot read " + file + " (" + e.getClass().getSimpleName() + "); check that the "
                    + "agent's user may read it");
        }
        if (bytes.length > max) {
            throw new SensorFault(file + " holds more than " + max + " bytes, so it is not a DS18B20's file (its "
                    + "w1_slave file holds two lines of about 37 characters)");
        }
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    static double celsius(List<String> lines, String where) {
        if (lines.size() < 2 || !lines.get(0).contains("crc=") || lines.get(0).indexOf(':') < 0) {
            throw new SensorFault(where + " does not look like a DS18B20's w1_slave file: expected two lines, the "
                    + "first with nine hex bytes, ':' and 'crc=.. YES' (or NO), the second with 't='");
        }
        if (!lines.get(0).strip().endsWith("YES")) {
            throw new SensorFault(where + ": the CRC check failed; a long cable or a weak pull-up garbles the bus");
        }
        int[] scratchpad = bytes(lines.get(0), where);
        if (Arrays.stream(scratchpad).allMatch(b -> b == 0)) {
            throw new SensorFault(where + ": the scratchpad reads all zeros, which passes the CRC; the data line is "
                    + "held low (check for a short)");
        }
        int raw = (short) (scratchpad[1] << 8 | scratchpad[0]);
        return checked(raw / 16.0, raw == POWER_ON_RESET, where);
    }

    private static double fromTemperatureFile(String text, String where) {
        String millidegrees = text.strip();
        if (!MILLIDEGREES.matcher(millidegrees).matches()) {
            throw new SensorFault(where + " does not look like a DS18B20's temperature file: expected one whole "
                    + "number, millidegrees C, such as 23125");
        }
        int value = Integer.parseInt(millidegrees);
        return checked(value / 1000.0, value == 85_000, where);
    }

    private static double checked(double celsius, boolean powerOnValue, String where) {
        if (powerOnValue) {
            throw new SensorFault(where + ": reads +85 C, the DS18B20's power-on value: no conversion ran (too "
                    + "little power, or parasite power without a strong pull-up)");
        }
        return celsius;
    }

    private static int[] bytes(String line, String where) {
        String[] parts = line.substring(0, line.indexOf(':')).strip().split("\\s+");
        if (parts.length != 9) {
            throw new SensorFault(where + ": expected the nine scratchpad bytes before ':', found " + parts.length
                    + " items");
        }
        int[] bytes = new int[9];
        for (int i = 0; i < 9; i++) {
            if (!HEX_BYTE.matcher(parts[i]).matches()) {
                throw new SensorFault(where + ": scratchpad item " + (i + 1) + " is not a byte in two hex digits");
            }
            bytes[i] = Integer.parseInt(parts[i], 16);
        }
        return bytes;
    }
}
