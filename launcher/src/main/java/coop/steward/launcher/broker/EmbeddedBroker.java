package coop.steward.launcher.broker;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's MQTT broker, inside its process so that nothing needs installing, held to what docs/deployment.md asks
 * of Mosquitto: payloads up to 1 MiB forwarded (the collector lists those over the contract's 256 KiB) and larger
 * ones acknowledged and dropped without dropping the sender; 1,000 messages in flight to a subscriber; the rest
 * queued, up to 512 MiB a session; no Nagle delay; sessions and retained messages kept on disk across restarts.
 * On 127.0.0.1 it takes any client; opened to the network it takes only the accounts {@code bin/steward identities}
 * generates, each held to its ACL as Mosquitto holds it ({@link BrokerAccess}).
 * <p>
 * Steward's own because the embeddable brokers on Maven Central fall short: Moquette 0.17 lets one DUP publish, which
 * clients send after any reconnect, kill one of its session threads and with it every client that thread serves
 * (0.18 fixes that and is not on Central), drops a client that subscribes the moment it is accepted, caps in-flight
 * messages at 10, and closes the connection of a client that sends one message over its limit; HiveMQ's embedded
 * edition needs Netty 4.1 beside Vert.x's 4.2, RocksDB and Guice. Packets are read and written by Vert.x's MQTT
 * server; this code keeps sessions and routes.
 */
public final class EmbeddedBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);
    /** Like Mosquitto's message_size_limit in docs/deployment.md. */
    static final int MAX_PAYLOAD_BYTES = 1024 * 1024;
    /** Past this a packet is not read at all, and MQTT 3.1.1 leaves nothing but closing the connection. */
    static final int MAX_PACKET_BYTES = 16 * 1024 * 1024;
    static final long MAX_QUEUED_BYTES = 512L * 1024 * 1024;

    private final Vertx vertx;
    private final BrokerVerticle broker;
    private final Path stateFile;
    private final String host;

    private EmbeddedBroker(Vertx vertx, BrokerVerticle broker, Path stateFile, String host) {
        this.vertx = vertx;
        this.broker = broker;
        this.stateFile = stateFile;
        this.host = host;
    }

    /** Open to anyone who reaches it: for 127.0.0.1. */
    public static EmbeddedBroker start(String host, int port, Path dataDir) throws IOException {
        return start(host, port, dataDir, BrokerAccess.OPEN);
    }

    /**
     * @param host   where it listens: 127.0.0.1 unless the demo is opened to the network on purpose
     * @param access who may connect and what each may do: the generated identities when it is open to the network
     */
    public static EmbeddedBroker start(String host, int port, Path dataDir, BrokerAccess access) throws IOException {
        Files.createDirectories(dataDir);
        // Sessions and retained messages made while anyone could connect must not reach devices once only accounts
        // may: a retained config an anonymous client left, or a session someone opened under a device's name.
        Path stateFile = dataDir.resolve(access == BrokerAccess.OPEN ? "broker-state.bin" : "broker-state-accounts.bin");
        BrokerState.Snapshot saved = BrokerState.read(stateFile);
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
        BrokerVerticle broker = new BrokerVerticle(host, port,
                new BrokerVerticle.Limits(MAX_PACKET_BYTES, MAX_PAYLOAD_BYTES, MAX_QUEUED_BYTES), access, saved);
        try {
            vertx.deployVerticle(broker).await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            vertx.close();
            throw new IOException("the MQTT broker cannot listen on " + host + ":" + port + " (" + e.getMessage()
                    + "); choose another port with --mqtt-port", e);
        }
        return new EmbeddedBroker(vertx, broker, stateFile, host);
    }

    public int port() {
        return broker.port();
    }

    /** True when it listens on every network interface, not only this machine's own. */
    public boolean isOpenToTheNetwork() {
        return !host.equals("127.0.0.1");
    }

    /** Stops taking connections, then keeps its sessions and retained messages on disk for the next start. */
    @Override
    public void close() {
        try {
            vertx.undeploy(broker.deploymentID()).await(10, TimeUnit.SECONDS);
            BrokerState.write(stateFile, broker.snapshot());
        } catch (Exception e) {
            LOG.warn("The MQTT broker's sessions could not be saved to {}: {}", stateFile, e.getMessage());
        } finally {
            vertx.close();
        }
    }
}
