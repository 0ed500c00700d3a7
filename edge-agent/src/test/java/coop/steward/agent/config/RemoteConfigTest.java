package coop.steward.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import coop.steward.config.DeviceConfig;
import coop.steward.config.DeviceConfigLoader;
import coop.steward.protocol.ConfigAck;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RemoteConfigTest {
    private static final String TOPIC = "steward/v1/food-forest/bed-1/config";

    @TempDir
    Path tmp;
    private FakeAgent agent;
    private RemoteConfig remote;

    @BeforeEach
    void start() {
        agent = new FakeAgent(DeviceConfigLoader.parse(yaml(60), "bed-1.yaml"));
        remote = new RemoteConfig(agent, TOPIC);
    }

    @Test
    void validConfig_isApplied_keptAsLastGood_andAcknowledgedWithItsHash() throws Exception {
        byte[] pushed = bytes(yaml(10));

        remote.received(pushed, false);

        assertThat(agent.current.sensors().get(0).interval().toSeconds()).isEqualTo(10);
        assertThat(agent.acks).containsExactly(ConfigAck.applied(ConfigAck.hashOf(pushed)));
        assertThat(Files.readAllBytes(storage().resolve(LastGoodConfig.FILE))).isEqualTo(pushed);
    }

    @Test
    void invalidConfig_isRejectedWithTheValidatorsLineNumberedErrors_andChangesNothing() {
        byte[] pushed = bytes(yaml(10).replace("soil_moisture", "soil_moist"));

        remote.received(pushed, false);

        assertThat(agent.runs).isEmpty();
        assertThat(agent.acks).singleElement().satisfies(ack -> {
            assertThat(ack.outcome()).isEqualTo(ConfigAck.REJECTED);
            assertThat(ack.hash()).isEqualTo(ConfigAck.hashOf(pushed));
            assertThat(ack.errors()).singleElement().asString()
                    .startsWith(TOPIC + ":8: sensors[0].kind: 'soil_moist' is not a known kind");
        });
        assertThat(storage().resolve(LastGoodConfig.FILE)).doesNotExist();
    }

    @Test
    void configThatChangesTheBroker_isRejectedWhole_ratherThanHalfApplied() {
        remote.received(bytes(yaml(10).replace("tcp://localhost:1883", "tcp://elsewhere:1883")), false);

        assertThat(agent.runs).isEmpty();
        assertThat(agent.acks).singleElement().satisfies(ack -> {
            assertThat(ack.outcome()).isEqualTo(ConfigAck.REJECTED);
            assertThat(ack.errors()).singleElement().asString().contains("mqtt: a pushed config cannot change how "
                    + "the device reaches its broker");
        });
    }

    @Test
    void configWhoseSensorsCannotStart_isRolledBack_toThePreviousConfig() {
        DeviceConfig before = agent.current;
        agent.failNextRun = true;

        remote.received(bytes(yaml(10)), false);

        assertThat(agent.current).isEqualTo(before);
        assertThat(agent.runs).as("the new config, then the old one again").hasSize(2).last().isEqualTo(before);
        assertThat(agent.acks).singleElement().satisfies(ack -> {
            assertThat(ack.outcome()).isEqualTo(ConfigAck.ROLLED_BACK);
            assertThat(ack.errors()).singleElement().asString().contains("no such bus");
        });
    }

    @Test
    void configThatCannotBeKeptOnDisk_isRolledBack() throws Exception {
        Files.createDirectories(storage().resolve(LastGoodConfig.FILE + ".tmp")); // a folder where the file goes
        DeviceConfig before = agent.current;

        remote.received(bytes(yaml(10)), false);

        assertThat(agent.current).isEqualTo(before);
        assertThat(agent.acks).singleElement().extracting(ConfigAck::outcome).isEqualTo(ConfigAck.ROLLED_BACK);
    }

    @Test
    void retainedConfigAlreadyApplied_isIgnored_whenTheBrokerHandsItOutAgain_butAFreshPushIsAnswered() {
        byte[] pushed = bytes(yaml(10));
        remote.received(pushed, false);

        remote.received(pushed, true);
        assertThat(agent.acks).hasSize(1);
        assertThat(agent.runs).hasSize(1);

        remote.received(pushed, false);
        assertThat(agent.acks).hasSize(2).last().extracting(ConfigAck::outcome).isEqualTo(ConfigAck.APPLIED);
        assertThat(agent.runs).as("nothing to change").hasSize(1);
    }

    @Test
    void emptyRetainedMessage_clearsNothing_andIsNotAnswered() {
        remote.received(new byte[0], true);

        assertThat(agent.acks).isEmpty();
        assertThat(agent.runs).isEmpty();
    }

    @Test
    void atStart_aNewerLastGoodConfigForTheSameDevice_winsOverTheFile() throws Exception {
        Path file = Files.writeString(tmp.resolve("bed-1.yaml"), yaml(60));
        DeviceConfig fromFile = DeviceConfigLoader.load(file);
        LastGoodConfig.save(storage(), bytes(yaml(10)));
        Files.setLastModifiedTime(file, FileTime.from(Files.getLastModifiedTime(storage().resolve(
                LastGoodConfig.FILE)).toInstant().minusSeconds(60)));

        LastGoodConfig.Start pushed = LastGoodConfig.choose(file, fromFile);
        assertThat(pushed.config().sensors().get(0).interval().toSeconds()).isEqualTo(10);
        assertThat(pushed.hash()).as("the status names the pushed file it runs").isEqualTo(ConfigAck.hashOf(
                bytes(yaml(10))));

        Files.writeString(file, yaml(30)); // edited on the device after the push: newer
        LastGoodConfig.Start edited = LastGoodConfig.choose(file, DeviceConfigLoader.load(file));
        assertThat(edited.config().sensors().get(0).interval().toSeconds()).isEqualTo(30);
        assertThat(edited.hash()).isEqualTo(ConfigAck.hashOf(Files.readAllBytes(file)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "sampling faster than once a second | intervalSeconds: 10 | intervalSeconds: 0.5 | sensors[0]."
                    + "intervalSeconds: a pushed config may sample a sensor at most once a second, not every 0.5 s",
            "flushing faster than once a second | storage: {dir: | publish: {flushSeconds: 0.01}\\nstorage: {dir: | "
                    + "publish.flushSeconds: a pushed config may write readings to the outbox at most once a second, "
                    + "not every 0.01 s",
            "a larger outbox than the file allows | storage: {dir: | storage: {maxOutboxReadings: 2000000, dir: | "
                    + "storage.maxOutboxReadings: a pushed config may keep at most the 1000000 readings the config "
                    + "file on the device allows, not 2000000",
            "another storage folder | /storage | /elsewhere | storage.dir: a pushed config cannot move the "
                    + "device's storage folder",
            "holding messages longer than the file allows | storage: {dir: | publish: {holdSeconds: 30}\\nstorage: {dir: | "
                    + "publish.holdSeconds: a pushed config may hold unconfirmed messages in memory at most the 5 s the "
                    + "config file on the device allows, not 30 s",
    })
    void aPushThatGoesPastWhatTheFileOnTheDeviceAllows_isRejectedWithASentence_andTheOldConfigRuns(
            String what, String text, String replacement, String error) {
        DeviceConfig before = agent.current;
        String yaml = yaml(10);
        assertThat(yaml).contains(text);

        remote.received(bytes(yaml.replace(text, replacement.replace("\\n", "\n"))), false);

        assertThat(agent.runs).isEmpty();
        assertThat(agent.current).isEqualTo(before);
        assertThat(agent.acks).singleElement().satisfies(ack -> {
            assertThat(ack.outcome()).isEqualTo(ConfigAck.REJECTED);
            assertThat(ack.errors()).singleElement().asString().startsWith(TOPIC + ": " + error);
        });
    }

    @Test
    void aPushThatChangesTheValves_isRejected_soNoPinOrLooserDutyCycleComesFromTheBroker() {
        DeviceConfig before = agent.current;
        String valve = "actuators:\n  - {id: valve, kind: valve_state, gpio: 27, activeHigh: true, "
                + "maxOpenSeconds: 1800, intervalSeconds: 60, minClosedSeconds: 0}\nsensors:";

        remote.received(bytes(yaml(10).replace("sensors:", valve)), false);

        assertThat(agent.runs).isEmpty();
        assertThat(agent.current).isEqualTo(before);
        assertThat(agent.acks).singleElement().satisfies(ack -> {
            assertThat(ack.outcome()).isEqualTo(ConfigAck.REJECTED);
            assertThat(ack.errors()).singleElement().asString()
                    .startsWith(TOPIC + ": actuators: a pushed config cannot change the valves and pumps");
        });
    }

    @Test
    void aSmallerOutboxThanTheFileAllows_andSlowerSampling_areApplied() {
        byte[] pushed = bytes(yaml(3600).replace("storage: {dir: ", "storage: {maxOutboxReadings: 5000, dir: "));

        remote.received(pushed, false);

        assertThat(agent.acks).containsExactly(ConfigAck.applied(ConfigAck.hashOf(pushed)));
        assertThat(agent.current.maxOutboxReadings()).isEqualTo(5000);
    }

    @Test
    void aConfigWhoseSamplingStopsOnItsFirstSample_isRolledBack_andNeverKeptAsLastGood() {
        DeviceConfig before = agent.current;
        agent.stopsSampling = "sampling sensor soil-a stopped (java.lang.OutOfMemoryError: Java heap space)";
        byte[] pushed = bytes(yaml(10));

        remote.received(pushed, false);

        assertThat(agent.runs).as("the new config, then the old one again").hasSize(2).last().isEqualTo(before);
        assertThat(agent.acks).singleElement().satisfies(ack -> {
            assertThat(ack.outcome()).isEqualTo(ConfigAck.ROLLED_BACK);
            assertThat(ack.errors()).containsExactly("the config ran, but sampling sensor soil-a stopped "
                    + "(java.lang.OutOfMemoryError: Java heap space); the device runs its previous config");
        });
        assertThat(storage().resolve(LastGoodConfig.FILE)).doesNotExist();
        assertThat(storage().resolve(LastGoodConfig.TRIAL)).doesNotExist();
    }

    @Test
    void aConfigIsKeptAsLastGoodAndAcknowledged_onlyAfterItsFirstSamples() {
        agent.holdQueued = true;
        byte[] pushed = bytes(yaml(10));

        remote.received(pushed, false);

        assertThat(agent.runs).hasSize(1);
        assertThat(agent.acks).isEmpty();
        assertThat(storage().resolve(LastGoodConfig.FILE)).doesNotExist();

        agent.runQueued();

        assertThat(agent.acks).containsExactly(ConfigAck.applied(ConfigAck.hashOf(pushed)));
        assertThat(storage().resolve(LastGoodConfig.FILE)).hasBinaryContent(pushed);
    }

    @Test
    void aConfigTheAgentDiedTrying_isNotRunAgainFromTheRetainedCopy_onlyWhenSomeonePushesItAgain() {
        agent.holdQueued = true; // the agent dies before its first samples are done
        byte[] pushed = bytes(yaml(10));
        remote.received(pushed, true);
        assertThat(storage().resolve(LastGoodConfig.TRIAL)).exists();

        FakeAgent restarted = new FakeAgent(DeviceConfigLoader.parse(yaml(60), "bed-1.yaml"));
        RemoteConfig again = new RemoteConfig(restarted, TOPIC);
        again.received(pushed, true); // the broker hands out the retained config on connecting

        assertThat(restarted.runs).isEmpty();
        assertThat(restarted.acks).singleElement().satisfies(ack -> {
            assertThat(ack.outcome()).isEqualTo(ConfigAck.ROLLED_BACK);
            assertThat(ack.errors()).singleElement().asString().startsWith("the agent stopped while it tried this "
                    + "config, so it runs its previous one");
        });
        assertThat(storage().resolve(LastGoodConfig.FILE)).doesNotExist();

        again.received(pushed, false); // pushed again by a person

        assertThat(restarted.acks).last().isEqualTo(ConfigAck.applied(ConfigAck.hashOf(pushed)));
        assertThat(storage().resolve(LastGoodConfig.TRIAL)).doesNotExist();
    }

    @Test
    void aTrialCutShortByACleanStop_doesNotCountAgainstTheConfig() {
        agent.holdQueued = true;
        byte[] pushed = bytes(yaml(10));
        remote.received(pushed, true);

        remote.abandonTrial();

        assertThat(storage().resolve(LastGoodConfig.TRIAL)).doesNotExist();
        FakeAgent restarted = new FakeAgent(DeviceConfigLoader.parse(yaml(60), "bed-1.yaml"));
        new RemoteConfig(restarted, TOPIC).received(pushed, true);
        assertThat(restarted.acks).containsExactly(ConfigAck.applied(ConfigAck.hashOf(pushed)));
    }

    @Test
    void aPushArrivingWhileAnotherIsOnTrial_waitsForThatTrialToEnd() {
        agent.holdQueued = true;
        byte[] first = bytes(yaml(10));
        byte[] second = bytes(yaml(20));
        remote.received(first, false);

        remote.received(second, false);
        assertThat(agent.runs).hasSize(1);

        agent.runQueued();

        assertThat(agent.acks).containsExactly(ConfigAck.applied(ConfigAck.hashOf(first)),
                ConfigAck.applied(ConfigAck.hashOf(second)));
        assertThat(agent.current.sensors().get(0).interval().toSeconds()).isEqualTo(20);
    }

    @Test
    void atStart_aLastGoodConfigThatDoesWhatAPushMayNot_isPassedOver() throws Exception {
        Path file = Files.writeString(tmp.resolve("bed-1.yaml"), yaml(60));
        DeviceConfig fromFile = DeviceConfigLoader.load(file);
        LastGoodConfig.save(storage(), bytes(yaml(60).replace("intervalSeconds: 60", "intervalSeconds: 0.01")));
        Files.setLastModifiedTime(file, FileTime.from(Files.getLastModifiedTime(storage().resolve(
                LastGoodConfig.FILE)).toInstant().minusSeconds(60)));

        assertThat(LastGoodConfig.choose(file, fromFile).config()).isEqualTo(fromFile);
    }

    private Path storage() {
        return tmp.resolve("storage");
    }

    private String yaml(int intervalSeconds) {
        return """
                site: food-forest
                device: bed-1
                mqtt: {url: tcp://localhost:1883}
                storage: {dir: '%s'}
                sensors:
                  - id: soil-a
                    intervalSeconds: %d
                    kind: soil_moisture
                    source: {type: simulated}
                """.formatted(storage(), intervalSeconds);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static final class FakeAgent implements RemoteConfig.Target {
        final DeviceConfig local;
        DeviceConfig current;
        boolean failNextRun;
        /** What stoppedSampling says once the next config has run. */
        String stopsSampling;
        String stopped;
        /** Whether queued tasks wait for runQueued() (an agent that dies waits for ever) or run at once. */
        boolean holdQueued;
        final List<Runnable> queued = new ArrayList<>();
        final List<DeviceConfig> runs = new ArrayList<>();
        final List<ConfigAck> acks = new ArrayList<>();

        FakeAgent(DeviceConfig current) {
            this.local = current;
            this.current = current;
        }

        @Override
        public DeviceConfig current() {
            return current;
        }

        @Override
        public DeviceConfig local() {
            return local;
        }

        @Override
        public void afterQueued(Runnable task) {
            if (holdQueued) {
                queued.add(task);
            } else {
                task.run();
            }
        }

        void runQueued() {
            holdQueued = false;
            while (!queued.isEmpty()) {
                queued.remove(0).run();
            }
        }

        @Override
        public String stoppedSampling() {
            return stopped;
        }

        @Override
        public void run(DeviceConfig config) {
            runs.add(config);
            if (failNextRun) {
                failNextRun = false;
                throw new IllegalStateException("sensor soil-a: no such bus /dev/i2c-1");
            }
            current = config;
            stopped = stopsSampling;
            stopsSampling = null;
        }

        @Override
        public void acknowledge(ConfigAck ack) {
            acks.add(ack);
        }
    }
}
