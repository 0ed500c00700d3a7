package coop.steward.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceConfigFileTest {
    @TempDir
    Path tmp;

    @Test
    void fileErrors_nameThePathAsGiven() throws IOException {
        Path file = tmp.resolve("bed-1.yaml");
        Files.writeString(file, DeviceConfigLoaderTest.minimal("").replace("soil_moisture", "soil_moist"));

        ConfigError error = errorOf(file);

        assertThat(error.toString()).startsWith(file + ":5: sensors[0].kind: 'soil_moist' is not a known kind");
    }

    @Test
    void missingFile_saysToCheckThePath() {
        ConfigError error = errorOf(tmp.resolve("nope.yaml"));

        assertThat(error.line()).isZero();
        assertThat(error.toString()).startsWith(tmp.resolve("nope.yaml") + ": the file does not exist; check the path");
    }

    @Test
    void folder_isNotTakenForAFile() {
        assertThat(errorOf(tmp).message()).startsWith("this is a folder, not a file");
    }

    @Test
    void textThatIsNotUtf8_isRefusedWithWhatToDo() throws IOException {
        Path file = tmp.resolve("latin1.yaml");
        Files.write(file, new byte[] {'s', 'i', 't', 'e', ':', ' ', (byte) 0xE9, '\n'});

        assertThat(errorOf(file).message()).isEqualTo("the file is not UTF-8 text; save it as UTF-8 plain text and "
                + "try again");
    }

    private static ConfigError errorOf(Path file) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> DeviceConfigLoader.load(file));
        assertThat(e).isNotNull();
        assertThat(e.errors()).hasSize(1);
        return e.errors().get(0);
    }
}
