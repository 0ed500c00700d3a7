package coop.steward.agent.sensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The DS18B20 through a w1_slave file as the kernel writes it, with the datasheet's temperature table. */
class Ds18b20SourceTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "bytes {0} {1}: {2} C")
    @CsvSource({
            // Table 1 of the datasheet, 12-bit: LSB first, as in the scratchpad
            "d0, 07, 125",
            "91, 01, 25.0625",
            "a2, 00, 10.125",
            "08, 00, 0.5",
            "00, 00, 0",
            "f8, ff, -0.5",
            "5e, ff, -10.125",
            "6f, fe, -25.0625",
            "90, fc, -55",
            "72, 01, 23.125",
    })
    void theTemperature_isTheSignedSixteenthsOfTheFirstTwoBytes(String lsb, String msb, double celsius)
            throws IOException {
        assertThat(new Ds18b20Source(w1Slave(lsb + " " + msb + " 4b 46 7f ff 0e 10 57", "YES")).read(0))
                .isEqualTo(celsius);
    }

    @Test
    void aFailedCrc_isAFault() throws IOException {
        Path file = w1Slave("72 01 4b 46 7f ff 0e 10 57", "NO");

        assertThatThrownBy(() -> new Ds18b20Source(file).read(0))
                .isInstanceOf(SensorFault.class).hasMessageContaining("the CRC check failed");
    }

    @Test
    void thePowerOnValueOf85_isAFault() throws IOException {
        Path file = w1Slave("50 05 4b 46 7f ff 0c 10 1c", "YES");

        assertThatThrownBy(() -> new Ds18b20Source(file).read(0)).hasMessageContaining("+85 C, the DS18B20's power-on");
    }

    @Test
    void anAllZeroScratchpad_whichPassesTheCrc_isAFault() throws IOException {
        Path file = w1Slave("00 00 00 00 00 00 00 00 00", "YES");

        assertThatThrownBy(() -> new Ds18b20Source(file).read(0)).hasMessageContaining("reads all zeros");
    }

    @Test
    void aProbeThatIsGone_isAFaultThatSaysWhatToCheck() {
        assertThatThrownBy(() -> new Ds18b20Source(tmp.resolve("28-000005e2fdc3/w1_slave")).read(0))
                .isInstanceOf(SensorFault.class)
                .hasMessageContaining("no DS18B20 at")
                .hasMessageContaining("4.7 kOhm pull-up");
    }

    private Path w1Slave(String bytes, String crc) throws IOException {
        Path file = tmp.resolve("w1_slave");
        String[] parts = bytes.split(" ");
        return Files.writeString(file, bytes + " : crc=" + parts[8] + " " + crc + "\n" + bytes + " t=0\n");
    }
}
