package coop.steward.launcher;

import coop.steward.agent.Agent;
import coop.steward.collector.Collector;
import coop.steward.collector.CollectorSettings;
import coop.steward.collector.config.CollectorConfig;
import coop.steward.collector.ingest.CollectorId;
import coop.steward.collector.ingest.IngestSettings;
import coop.steward.config.DeviceConfig;
import coop.steward.config.DeviceConfigLoader;
import coop.steward.agent.clock.Timekeeping;
import coop.steward.agent.publish.MqttLogin;
import coop.steward.agent.sensor.Board;
import coop.steward.launcher.broker.BrokerAccess;
import coop.steward.launcher.broker.EmbeddedBroker;
import coop.steward.launcher.identity.Identities;
import coop.steward.launcher.identity.IdentityFolder;
import coop.steward.launcher.identity.ListenerSettings;
import coop.steward.protocol.ConfigAck;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Everything in one process: the embedded broker, the collector on the embedded store, simulated agents. */
final class Demo implements AutoCloseable {
    /** Three beds of a food forest and a solar site of two arrays; each is a real device config under /demo. */
    static final List<String> DEVICES = List.of("bed-1", "bed-2", "bed-3", "array-1", "array-2");
    private static final Logger LOG = LoggerFactory.getLogger(Demo.class);

    private final EmbeddedBroker broker;
    private final Vertx vertx;
    private final Collector collector;
    private final List<Agent> agents;
    private final DemoStory story;
    private final Path identities;

    private Demo(EmbeddedBroker broker, Vertx vertx, Collector collector, List<Agent> agents, DemoStory story,
                 Path identities) {
        this.broker = broker;
        this.vertx = vertx;
        this.collector = collector;
        this.agents = agents;
        this.story = story;
        this.identities = identities;
    }

    /** On this machine only; what it says about the history goes to the log. */
    static Demo start(int httpPort, int brokerPort, Path dataDir) throws Exception {
        return start(httpPort, brokerPort, dataDir, false, LOG::info);
    }

    /**
     * On the first start of a data folder the history is filled first ({@link DemoHistory}), which is what
     * {@code say} hears about.
     *
     * @param openToTheNetwork listen on every interface (phones on the same Wi-Fi), not on 127.0.0.1 only
     */
    static Demo start(int httpPort, int brokerPort, Path dataDir, boolean openToTheNetwork, Consumer<String> say)
            throws Exception {
        Path dir = dataDir.toAbsolutePath().normalize();
        Path configFile = collectorConfigFile(dir);
        CollectorConfig collectorConfig = CollectorConfig.load(configFile);
        DemoStory story = DemoHistory.prepare(dir, collectorConfig, System::currentTimeMillis, say);
        String host = openToTheNetwork ? "0.0.0.0" : "127.0.0.1";
        String brokerUrl = "tcp://127.0.0.1:" + brokerPort;
        // Open to the network, the broker takes only the site's identities, as a real site's Mosquitto would.
        IdentityFolder identities = openToTheNetwork ? identities(dir, brokerUrl, brokerPort, story) : null;
        EmbeddedBroker broker = EmbeddedBroker.start(host, brokerPort, dir.resolve("broker"),
                identities == null ? BrokerAccess.OPEN : identities.load());
        Vertx vertx = Vertx.vertx();
        MqttLogin collectorLogin = login(identities, Identities.COLLECTOR);
        MqttLogin commandLogin = login(identities, Identities.COMMANDS);
        // One collector on a broker of its own: the fixed id of old serves, and a demo folder of old keeps its session.
        IngestSettings ingest = new IngestSettings(brokerUrl, CollectorId.FORMER, collectorLogin.username(),
                collectorLogin.password(), IngestSettings.DEFAULT_MAX_PENDING_MESSAGES,
                IngestSettings.DEFAULT_MAX_READINGS_PER_TRANSACTION)
                .withCommandLogin(commandLogin.username(), commandLogin.password());
        Collector collector;
        try {
            collector = Collector.start(vertx, new CollectorSettings(ingest, host, httpPort, dir.resolve("store"))
                    .with(collectorConfig).withConfigFile(configFile)).await(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            vertx.close();
            broker.close();
            throw e;
        }
        List<Agent> agents = new ArrayList<>();
        for (String device : DEVICES) {
            String yaml = configText(device, brokerUrl, dir.resolve("agents"), story);
            DeviceConfig config = parse(device, yaml, story);
            Agent agent = Agent.create(config, Timekeeping.system(Clock.systemUTC()), Board.raspberryPi(),
                            login(identities, Identities.username(config)))
                    .withConfigHash(ConfigAck.hashOf(yaml.getBytes(StandardCharsets.UTF_8)));
            agent.start();
            agents.add(agent);
        }
        return new Demo(broker, vertx, collector, agents, story, identities == null ? null : identities.dir());
    }

    /** The demo devices' accounts, made on the first start with --lan and kept in the data folder after. */
    private static IdentityFolder identities(Path dir, String brokerUrl, int brokerPort, DemoStory story) {
        List<DeviceConfig> configs = new ArrayList<>();
        for (String device : DEVICES) {
            configs.add(config(device, brokerUrl, dir.resolve("agents"), story));
        }
        IdentityFolder folder = new IdentityFolder(dir.resolve("identities"));
        folder.write(Identities.of(configs), ListenerSettings.plain(brokerPort, null));
        return folder;
    }

    private static MqttLogin login(IdentityFolder identities, String username) {
        return identities == null ? MqttLogin.ANONYMOUS : new MqttLogin(username, identities.password(username));
    }

    /** Where the accounts are, when the broker takes only those; empty when it is open to anyone. */
    Optional<Path> identities() {
        return Optional.ofNullable(identities);
    }

    /** This data folder's story: when it was first started, which is where its history ends. */
    DemoStory story() {
        return story;
    }

    int httpPort() {
        return collector.httpPort();
    }

    int brokerPort() {
        return broker.port();
    }

    private static final String COLLECTOR_CONFIG = "/demo/collector.yaml";

    /** The shipped alert rules, and the demo arrays' peak power for the underperformance rule. */
    static CollectorConfig collectorConfig() {
        return CollectorConfig.parse(shippedCollectorConfig(), COLLECTOR_CONFIG);
    }

    /**
     * The demo collector's config file in its data folder, written from the shipped one on the first start: the
     * dashboard's Settings page edits it, as it would a real site's.
     */
    private static Path collectorConfigFile(Path dir) throws IOException {
        Path file = dir.resolve("collector.yaml");
        if (!Files.exists(file)) {
            Files.createDirectories(dir);
            Files.writeString(file, shippedCollectorConfig());
        }
        return file;
    }

    private static String shippedCollectorConfig() {
        try (InputStream in = Demo.class.getResourceAsStream(COLLECTOR_CONFIG)) {
            if (in == null) {
                throw new IllegalStateException("the demo config " + COLLECTOR_CONFIG + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A demo device's config, with the dates of the data folder's {@code story}. */
    static DeviceConfig config(String device, String brokerUrl, Path storage, DemoStory story) {
        return parse(device, configText(device, brokerUrl, storage, story), story);
    }

    private static DeviceConfig parse(String device, String yaml, DemoStory story) {
        return story.tell(DeviceConfigLoader.parse(yaml, "/demo/" + device + ".yaml"));
    }

    /** The device's config as its agent reads it; its hash is the config its status names. */
    private static String configText(String device, String brokerUrl, Path storage, DemoStory story) {
        String resource = "/demo/" + device + ".yaml";
        try (InputStream in = Demo.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the demo config " + resource + " is missing from the jar");
            }
            return story.tell(new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("${MQTT_URL}", brokerUrl)
                    .replace("${STORAGE}", storage.toString().replace("'", "''")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Agents first, so what they hold reaches the store before the collector and broker go. */
    @Override
    public void close() {
        agents.forEach(agent -> agent.stop(Duration.ofSeconds(2)));
        try {
            collector.stop().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("Stopping the collector: " + e.getMessage());
        }
        try {
            vertx.close().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("Stopping Vert.x: " + e.getMessage());
        }
        broker.close();
    }
}
