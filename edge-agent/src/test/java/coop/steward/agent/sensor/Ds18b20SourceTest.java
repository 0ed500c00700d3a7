package coop.steward.agent.sensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

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

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "a secret file | STEWARD_MQTT_PASSWORD=hunter2 | does not look like a DS18B20's w1_slave file: expected "
                    + "two lines",
            "a secret in the scratchpad | 72 hunter2 4b 46 7f ff 0e 10 57 : crc=57 YES\\nx t=0 | scratchpad item 2 is "
                    + "not a byte in two hex digits",
            "too many bytes | 72 01 hunter2 4b 46 7f ff 0e 10 57 : crc=57 YES\\nx t=0 | expected the nine scratchpad "
                    + "bytes before ':', found 10 items",
            "a failed CRC | 72 01 4b 46 7f ff 0e 10 57 : crc=57 hunter2 NO\\nx t=0 | the CRC check failed",
    })
    void aFileThatDoesNotParse_givesAFaultSayingWhatWasExpected_neverWhatItHolds(String what, String content,
                                                                                 String expected) throws IOException {
        Path file = Files.writeString(tmp.resolve("w1_slave"), content.replace("\\n", "\n"));

        assertThatThrownBy(() -> new Ds18b20Source(file).read(0))
                .isInstanceOf(SensorFault.class)
                .hasMessageContaining(expected)
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void aFileOfManyMegabytes_isAFault_afterReadingAFewHundredBytes() throws IOException {
        Path file = tmp.resolve("w1_slave");
        try (var out = Files.newOutputStream(file)) {
            byte[] line = "72 01 4b 46 7f ff 0e 10 57 : crc=57 YES\n".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 250_000; i++) {
                out.write(line);
            }
        }

        assertThatThrownBy(() -> new Ds18b20Source(file).read(0))
                .isInstanceOf(SensorFault.class)
                .hasMessageContaining("holds more than 512 bytes, so it is not a DS18B20's file");
    }

    @Test
    void devZero_isAFaultAtOnce_ratherThanAnEndlessRead() {
        Path zero = Path.of("/dev/zero");
        assumeTrue(Files.isReadable(zero), "needs /dev/zero");

        SensorFault fault = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> catchThrowableOfType(SensorFault.class, () -> new Ds18b20Source(zero).read(0)));

        assertThat(fault).hasMessage("/dev/zero holds more than 512 bytes, so it is not a DS18B20's file (its "
                + "w1_slave file holds two lines of about 37 characters)");
    }

    @ParameterizedTest(name = "{0} millidegrees: {1} C")
    @CsvSource({"23125, 23.125", "-10125, -10.125", "0, 0", "125000, 125", "-55000, -55"})
    void theTemperatureFileOfNewerKernels_isMillidegrees(String content, double celsius) throws IOException {
        Path file = Files.writeString(tmp.resolve("temperature"), content + "\n");

        assertThat(new Ds18b20Source(file).read(0)).isEqualTo(celsius);
    }

    @ParameterizedTest
    @ValueSource(strings = {"85000", "hunter2", "", "23.125", "1234567"})
    void aTemperatureFileWithoutAUsableValue_isAFault_thatQuotesNothing(String content) throws IOException {
        Path file = Files.writeString(tmp.resolve("temperature"), content + "\n");

        SensorFault fault = catchThrowableOfType(SensorFault.class, () -> new Ds18b20Source(file).read(0));

        assertThat(fault).isNotNull();
        assertThat(fault.getMessage().replace(file.toString(), "<file>")).startsWith("<file>")
                .doesNotContain(content.isEmpty() ? "hunter2" : content);
    }

    private Path w1Slave(String bytes, String crc) throws IOException {
        Path file = tmp.resolve("w1_slave");
        String[] parts = bytes.split(" ");
        return Files.writeString(file, bytes + " : crc=" + parts[8] + " " + crc + "\n" + bytes + " t=0\n");
    }
}
