package coop.steward.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The unit file that ships and the one docs/hardware.md shows are the same. */
class SystemdUnitTest {
    /** Maven runs tests in the module's folder. */
    private static final Path UNIT = Path.of("systemd/steward-agent.service");
    private static final Path DOC = Path.of("../docs/hardware.md");

    @Test
    void theUnitInTheHardwareDoc_isTheUnitFile() throws IOException {
        String doc = Files.readString(DOC);
        String start = "The unit file (`edge-agent/systemd/steward-agent.service`):\n\n```ini\n";
        int from = doc.indexOf(start) + start.length();
        String shown = doc.substring(from, doc.indexOf("```", from));

        assertThat(shown).isEqualTo(Files.readString(UNIT));
    }

    @Test
    void theUnit_runsTheAgentsOwnJar_withTheConfigTheInstallStepsPutInPlace() throws IOException {
        assertThat(Files.readAllLines(UNIT)).anySatisfy(line -> assertThat(line).startsWith("ExecStart=/usr/bin/java ")
                .endsWith(" -jar /opt/steward/steward-agent.jar --config /etc/steward/agent.yaml"));
        assertThat(Files.readString(DOC)).contains("sudo install -m 0644 steward-agent.jar /opt/steward/steward-agent.jar",
                "install -m 0640 -g steward my-config.yaml /etc/steward/agent.yaml");
    }

    @Test
    void theUnit_runsTheAgentAsItsOwnUser_restartsIt_andSwitchesTheRelayOffAfterItStops() throws IOException {
        assertThat(Files.readAllLines(UNIT)).contains(
                "User=steward",
                "SupplementaryGroups=gpio i2c spi",
                "StateDirectory=steward",
                "Environment=MALLOC_ARENA_MAX=2",
                "ExecStopPost=+/usr/bin/pinctrl set 27 op dl",
                "Restart=on-failure",
                "WantedBy=multi-user.target");
    }
}
