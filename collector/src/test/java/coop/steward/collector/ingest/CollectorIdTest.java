package coop.steward.collector.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CollectorIdTest {
    @TempDir
    Path tmp;

    @Test
    void aNewDataFolder_getsAnIdOfItsOwn_thatStaysAcrossRestarts() throws Exception {
        String first = CollectorId.of(tmp.resolve("site-a"));
        String again = CollectorId.of(tmp.resolve("site-a"));
        String other = CollectorId.of(tmp.resolve("site-b"));

        assertThat(first).startsWith("steward-collector-").isEqualTo(again).isNotEqualTo(other);
        assertThat(Files.readString(tmp.resolve("site-a").resolve(CollectorId.FILE)).strip()).isEqualTo(first);
    }

    @Test
    void aFolderACollectorUsedBefore_keepsTheFormerId_whoseSessionTheBrokerMayHold() throws Exception {
        Path used = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(used.resolve("alerts.db"), "");

        assertThat(CollectorId.of(used)).isEqualTo(CollectorId.FORMER);
        assertThat(CollectorId.of(used)).isEqualTo(CollectorId.FORMER);
    }

    @Test
    void anIdWrittenByHand_isUsed_andOneThatIsNoClientId_isRefusedWithWhatToDo() throws Exception {
        Path hub = Files.createDirectories(tmp.resolve("hub-1"));
        Files.writeString(hub.resolve(CollectorId.FILE), "hub-collector-1\n");
        Path broken = Files.createDirectories(tmp.resolve("broken"));
        Files.writeString(broken.resolve(CollectorId.FILE), "two words");

        assertThat(CollectorId.of(hub)).isEqualTo("hub-collector-1");
        assertThatThrownBy(() -> CollectorId.of(broken)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not hold an MQTT client id").hasMessageContaining("delete it");
    }
}
