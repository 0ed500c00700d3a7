package coop.steward.launcher.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coop.steward.config.DeviceConfig;
import coop.steward.config.MqttSettings;
import coop.steward.config.PublishSettings;
import coop.steward.config.SimulationSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentitiesTest {
    @TempDir
    Path tmp;

    @Test
    void aUserNameThatWouldAddLinesToTheBrokersFiles_isRefused_evenFromAConfigMadeInCode() {
        DeviceConfig evil = device("bed-1", "evil\nuser evil\ntopic readwrite #");

        assertThatThrownBy(() -> Identities.of(List.of(evil))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a user name a broker file can hold");
    }

    @Test
    void twoDevicesUnderOneUserName_areRefused_sayingWhich() {
        assertThatThrownBy(() -> Identities.of(List.of(device("bed-1", "shared"), device("bed-2", "shared"))))
                .hasMessageContaining("devices food-forest/bed-1 and food-forest/bed-2 would both log in as 'shared'");
    }

    @Test
    void aPasswordHashedByMosquittoPasswd_isRecognised_andAWrongOneIsNot() throws Exception {
        Path file = tmp.resolve("passwords");
        Process process = new ProcessBuilder("mosquitto_passwd", "-c", "-b", file.toString(), "alice", "s3cret")
                .redirectErrorStream(true).start();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        String hash = Files.readString(file, StandardCharsets.UTF_8).strip().substring("alice:".length());

        assertThat(PasswordHash.matches("s3cret", hash)).isTrue();
        assertThat(PasswordHash.matches("s3cret!", hash)).isFalse();
        assertThat(PasswordHash.matches("s3cret", PasswordHash.of("s3cret"))).isTrue();
    }

    @Test
    void generatingAgain_keepsEveryPasswordAlreadyMade() {
        IdentityFolder folder = new IdentityFolder(tmp.resolve("ids"));
        folder.write(Identities.of(List.of(device("bed-1", null))), ListenerSettings.plain(1883, null));
        String before = folder.password("food-forest.bed-1");

        IdentityFolder.Written again = folder.write(Identities.of(List.of(device("bed-1", null), device("bed-2",
                null))), ListenerSettings.plain(1883, null));

        assertThat(folder.password("food-forest.bed-1")).isEqualTo(before);
        assertThat(again.created()).containsExactly("food-forest.bed-2");
        assertThat(again.kept()).contains("collector", "operator", "food-forest.bed-1");
    }

    @Test
    void aForwardingSitesAccount_atTheHub_mayOnlySendItsOwnSitesData_andHearItsOwnConfirmationsAndNeighbours() {
        Account forwarder = Identities.of(List.of(), List.of("food-forest")).stream()
                .filter(a -> a.username().equals("forward.food-forest")).findFirst().orElseThrow();

        assertThat(writes(forwarder, "steward/v1/food-forest/bed-1/readings")).isTrue();
        assertThat(writes(forwarder, "steward/v1/food-forest/bed-1/status")).isTrue();
        assertThat(writes(forwarder, "steward/v1/food-forest/forward")).isTrue();
        assertThat(reads(forwarder, "steward/v1/food-forest/bed-1/readings/ack")).isTrue();
        assertThat(writes(forwarder, "steward/v1/orchard/bed-1/readings")).as("another site's").isFalse();
        assertThat(writes(forwarder, "steward/v1/orchard/forward")).as("another site's report").isFalse();
        assertThat(reads(forwarder, "steward/v1/orchard/bed-1/readings/ack")).isFalse();
        assertThat(writes(forwarder, "steward/v1/food-forest/bed-1/cmd")).as("commands to devices").isFalse();
        assertThat(reads(Identities.collector(), "steward/v1/food-forest/forward"))
                .as("the hub's collector hears the reports").isTrue();
        assertThat(writes(Identities.collector(), "steward/v1/food-forest/neighbours"))
                .as("the hub tells a site what it concludes of its arrays").isTrue();
        assertThat(reads(forwarder, "steward/v1/food-forest/neighbours")).isTrue();
        assertThat(reads(forwarder, "steward/v1/orchard/neighbours")).as("another site's arrays").isFalse();
        assertThat(writes(Identities.collector(), "steward/hub/v1/region/members/c1")
                && reads(Identities.collector(), "steward/hub/v1/region/relay/c1"))
                .as("a hub group's collectors talk among themselves").isTrue();
        assertThat(writes(forwarder, "steward/hub/v1/region/relay/c1")).as("no site joins that talk").isFalse();
        assertThatThrownBy(() -> Identities.of(List.of(), List.of("Food Forest")))
                .hasMessageContaining("'Food Forest' is not a site id");
    }

    @Test
    void aForwardingSite_asksForHelpWithItsOwnAlerts_hearsEveryNeighboursRequest_andAnswersOnlyInItsOwnName() {
        Account hill = Identities.of(List.of(), List.of("hill")).stream()
                .filter(a -> a.username().equals("forward.hill")).findFirst().orElseThrow();

        assertThat(writes(hill, "steward/v1/hill/alerts/1700000000000001/aid")).as("its own request").isTrue();
        assertThat(reads(hill, "steward/v1/hill/alerts/1700000000000001/aid"))
                .as("its own requests, heard again after a restart").isTrue();
        assertThat(reads(hill, "steward/v1/hill/alerts/1700000000000001/aid/valley")).as("who took it").isTrue();
        assertThat(writes(hill, "steward/v1/valley/alerts/42/aid")).as("a request in another site's name")
                .isFalse();
        assertThat(reads(hill, "steward/v1/valley/alerts/42/aid")).as("a neighbour's request").isTrue();
        assertThat(writes(hill, "steward/v1/valley/alerts/42/aid/hill")).as("taking it as itself").isTrue();
        assertThat(reads(hill, "steward/v1/valley/alerts/42/aid/hill")).as("its own answers, after a restart")
                .isTrue();
        assertThat(writes(hill, "steward/v1/valley/alerts/42/aid/meadow")).as("taking it as another site")
                .isFalse();
        assertThat(reads(hill, "steward/v1/valley/alerts/42/aid/meadow")).as("answers to others' requests")
                .isFalse();
        assertThat(reads(hill, "steward/v1/valley/alerts/42")).as("a neighbour's alerts themselves").isFalse();
    }

    @Test
    void oneCollectorServingTwoSites_getsOneAccountAtTheHub_forBothAndNoOther() {
        Account forwarder = Identities.of(List.of(), List.of("food-forest,solar-array")).stream()
                .filter(a -> a.username().equals("forward.food-forest")).findFirst().orElseThrow();

        assertThat(writes(forwarder, "steward/v1/food-forest/bed-1/readings")).isTrue();
        assertThat(writes(forwarder, "steward/v1/solar-array/array-1/readings")).isTrue();
        assertThat(writes(forwarder, "steward/v1/solar-array/forward")).isTrue();
        assertThat(reads(forwarder, "steward/v1/solar-array/array-1/readings/ack")).isTrue();
        assertThat(writes(forwarder, "steward/v1/orchard/row-1/readings")).isFalse();
    }

    private static boolean writes(Account account, String topic) {
        return account.permissions().stream().anyMatch(p -> p.allowsWriting(topic));
    }

    private static boolean reads(Account account, String topic) {
        return account.permissions().stream().anyMatch(p -> p.allowsReading(topic));
    }

    private static DeviceConfig device(String id, String username) {
        return new DeviceConfig("food-forest", id, new MqttSettings("tcp://localhost:1883", username, null, 30),
                PublishSettings.DEFAULTS, Path.of("/tmp"), 1_000, new SimulationSettings(1, 51.5, 400),
                List.of());
    }
}
