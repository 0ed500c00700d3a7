package coop.steward.collector.forward;

import static org.assertj.core.api.Assertions.assertThat;

import coop.steward.collector.Collector;
import coop.steward.collector.CollectorSettings;
import coop.steward.collector.config.CollectorConfig;
import coop.steward.collector.ingest.IngestSettings;
import coop.steward.collector.people.PeopleStore;
import coop.steward.testsupport.CuttableLink;
import coop.steward.testsupport.MosquittoBroker;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * A site collector forwarding to a hub collector (started with {@code --hub}), each on its own real Mosquitto, the
 * hub's broker reached through a link the test can cut. Closing it stops everything it started, last first.
 */
final class HubAndSite implements AutoCloseable {
    private final List<AutoCloseable> closing = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    MosquittoBroker siteBroker;
    MosquittoBroker hubBroker;
    CuttableLink uplink;
    Collector hub;
    Collector site;

    /**
     * @param hubConfig  the hub's collector config, or null for none
     * @param siteConfig the first site's config file, or null to start no site yet ({@link #startSite})
     */
    static HubAndSite start(Path tmp, String hubConfig, String siteConfig) throws Exception {
        HubAndSite rig = new HubAndSite();
        try {
            rig.startAll(tmp, hubConfig, siteConfig);
            return rig;
        } catch (Exception | Error e) {
            rig.close();
            throw e;
        }
    }

    private void startAll(Path tmp, String hubConfig, String siteConfig) throws Exception {
        hubBroker = MosquittoBroker.start(tmp.resolve("hub-mosquitto"));
        closing.add(hubBroker);
        uplink = CuttableLink.to(hubBroker.port());
        closing.add(uplink);
        Vertx hubVertx = Vertx.vertx();
        closing.add(() -> hubVertx.close().await(10, TimeUnit.SECONDS));
        CollectorSettings hubSettings = new CollectorSettings(new IngestSettings(hubBroker.url(), "hub", null, null,
                1_000, 20_000), "127.0.0.1", 0, tmp.resolve("hub"));
        if (hubConfig != null) {
            hubSettings = hubSettings.with(CollectorConfig.parse(hubConfig, "hub.yaml"));
        }
        hub = Collector.start(hubVertx, hubSettings.withFederation(null, true)).await(30, TimeUnit.SECONDS);
        closing.add(() -> hub.stop().await(10, TimeUnit.SECONDS));
        if (siteConfig == null) {
            return;
        }
        Site first = startSite(tmp, "site", siteConfig, null);
        siteBroker = first.broker;
        site = first.collector;
    }

    /**
     * Another site beside the first: a real Mosquitto of its own and a collector forwarding to the hub as
     * {@code name-forward}. With {@code people}, its collector asks for accounts, and {@code people} fills its store
     * first.
     */
    Site startSite(Path tmp, String name, String config, Consumer<PeopleStore> people) throws Exception {
        MosquittoBroker broker = MosquittoBroker.start(tmp.resolve(name + "-mosquitto"));
        closing.add(broker);
        Path data = Files.createDirectories(tmp.resolve(name));
        if (people != null) {
            people.accept(PeopleStore.open(data));
        }
        Vertx vertx = Vertx.vertx();
        closing.add(() -> vertx.close().await(10, TimeUnit.SECONDS));
        Site site = new Site(broker, vertx, new CollectorSettings(new IngestSettings(broker.url(), name, null, null,
                1_000, 20_000), "127.0.0.1", 0, data)
                .with(CollectorConfig.parse(config, name + ".yaml"))
                .withConfigFile(Files.writeString(tmp.resolve(name + ".yaml"), config))
                .withAccounts(people != null)
                .withFederation(new IngestSettings(uplink.url(), name + "-forward", null, null, 1_000, 20_000), false));
        site.collector = Collector.start(vertx, site.settings).await(30, TimeUnit.SECONDS);
        closing.add(() -> site.collector.stop().await(10, TimeUnit.SECONDS));
        return site;
    }

    /** A site's own broker and collector. */
    static final class Site {
        final MosquittoBroker broker;
        private final Vertx vertx;
        private final CollectorSettings settings;
        Collector collector;

        private Site(MosquittoBroker broker, Vertx vertx, CollectorSettings settings) {
            this.broker = broker;
            this.vertx = vertx;
            this.settings = settings;
        }

        /** Stops the site's collector and starts it again on the same data, as a reboot would. */
        Collector restart() throws Exception {
            stop();
            return start();
        }

        void stop() throws Exception {
            collector.stop().await(10, TimeUnit.SECONDS);
        }

        Collector start() throws Exception {
            collector = Collector.start(vertx, settings).await(30, TimeUnit.SECONDS);
            return collector;
        }
    }

    /** A client of {@code broker}, as an agent would connect, disconnected when the rig closes. */
    MqttClient client(MosquittoBroker broker, String id) throws Exception {
        MqttClient client = new MqttClient(broker.url(), id, new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMaxInflight(1_000);
        client.connect(options);
        closing.add(() -> client.disconnectForcibly(1_000));
        return client;
    }

    /** The body of a GET that must answer 200. */
    String get(Collector collector, String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + collector.httpPort() + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return response.body();
    }

    /** Saves the site's config from its Settings page, as an admin would. */
    JsonObject saveSiteSettings(String yaml) throws Exception {
        String version = new JsonObject(get(site, "/api/v1/settings")).getString("version");
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + site.httpPort() + "/api/v1/settings")).header("Content-Type", "application/json")
                .header("Origin", "http://127.0.0.1:" + site.httpPort())
                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("yaml", yaml).put("version", version)
                        .encode())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return new JsonObject(response.body());
    }

    @Override
    public void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }
}
