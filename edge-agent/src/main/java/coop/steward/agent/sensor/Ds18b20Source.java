package coop.steward.agent.sensor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

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
 * held low passes the CRC) and the power-on value +85 C (0x0550: no conversion ran) are faults.
 */
final class Ds18b20Source implements SensorSource {
    static final int POWER_ON_RESET = 0x0550;
    private final Path file;

    Ds18b20Source(Path file) {
        this.file = file;
    }

    @Override
    public double read(long t) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new SensorFault("no DS18B20 at " + file + ": check the probe's wiring and its 4.7 kOhm pull-up, and "
                    + "that 1-Wire is on (dtoverlay=w1-gpio in /boot/firmware/config.txt)");
        } catch (IOException e) {
            throw new SensorFault("cannot read " + file + " (" + e.getMessage() + ")");
        }
        return celsius(lines, file.toString());
    }

    static double celsius(List<String> lines, String where) {
        if (lines.size() < 2 || !lines.get(0).contains("crc=")) {
            throw new SensorFault(where + " does not look like a DS18B20's w1_slave file: " + lines);
        }
        if (!lines.get(0).strip().endsWith("YES")) {
            throw new SensorFault(where + ": the CRC check failed (" + lines.get(0).strip() + "); a long cable or a "
                    + "weak pull-up garbles the bus");
        }
        int[] scratchpad = bytes(lines.get(0), where);
        if (Arrays.stream(scratchpad).allMatch(b -> b == 0)) {
            throw new SensorFault(where + ": the scratchpad reads all zeros, which passes the CRC; the data line is "
                    + "held low (check for a short)");
        }
        int raw = (short) (scratchpad[1] << 8 | scratchpad[0]);
        if (raw == POWER_ON_RESET) {
            throw new SensorFault(where + ": reads +85 C, the DS18B20's power-on value: no conversion ran (too "
                    + "little power, or parasite power without a strong pull-up)");
        }
        return raw / 16.0;
    }

    private static int[] bytes(String line, String where) {
        String[] parts = line.substring(0, line.indexOf(':')).strip().split("\\s+");
        if (parts.length != 9) {
            throw new SensorFault(where + ": expected the nine scratchpad bytes, found " + line.strip());
        }
        int[] bytes = new int[9];
        for (int i = 0; i < 9; i++) {
            try {
                bytes[i] = Integer.parseInt(parts[i], 16);
            } catch (NumberFormatException e) {
                throw new SensorFault(where + ": '" + parts[i] + "' is not a byte in " + line.strip());
            }
        }
        return bytes;
    }
}
