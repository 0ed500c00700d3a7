package coop.steward.launcher;

import io.moquette.broker.Server;
import io.moquette.broker.config.IConfig;
import io.moquette.broker.config.MemoryConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Moquette inside the demo's process, so the demo needs no broker installed, held to the contract the way
 * docs/deployment.md sets up Mosquitto. Sessions and their queues persist in its folder. Where Moquette differs
 * (docs/deployment.md lists it): its in-flight window to each subscriber is 10 messages, fixed, where Mosquitto is
 * told 1,000; and MQTT 3.1.1 has no way to refuse one message, so Moquette closes the connection of a client that
 * sends one over the limit, where Mosquitto acknowledges and drops it.
 */
final class EmbeddedBroker implements AutoCloseable {
    /**
     * The contract's largest payload, 256 KiB, with the longest topic MQTT allows and the packet id: the limit
     * Moquette applies is on the whole packet after its fixed header.
     */
    static final int MAX_PACKET_BYTES = 256 * 1024 + 2 + 65_535 + 2;
    /**
     * Commands queued per session thread. Moquette acknowledges a publish only once it is queued for every
     * subscriber; with its default, 1,024, a burst from a few dozen clients fills the queue, and each publish that
     * finds it full waits for a resend that MQTT 3.1.1 clients make only after reconnecting.
     */
    private static final int SESSION_QUEUE_SIZE = 65_536;

    private final Server server = new Server();
    private final String host;
    private final int port;

    private EmbeddedBroker(String host, int port) {
        this.host = host;
        this.port = port;
    }

    /** @param host where it listens: 127.0.0.1 unless the demo is opened to the network on purpose */
    static EmbeddedBroker start(String host, int port, Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        Properties properties = new Properties();
        properties.setProperty(IConfig.HOST_PROPERTY_NAME, host);
        properties.setProperty(IConfig.PORT_PROPERTY_NAME, Integer.toString(port));
        properties.setProperty(IConfig.ALLOW_ANONYMOUS_PROPERTY_NAME, "true");
        properties.setProperty(IConfig.PERSISTENCE_ENABLED_PROPERTY_NAME, "true");
        properties.setProperty(IConfig.DATA_PATH_PROPERTY_NAME, dataDir.toAbsolutePath().toString());
        properties.setProperty(IConfig.ENABLE_TELEMETRY_NAME, "false");
        properties.setProperty(IConfig.WEB_SOCKET_PORT_PROPERTY_NAME, "disabled");
        properties.setProperty(IConfig.NETTY_MAX_BYTES_PROPERTY_NAME, Integer.toString(MAX_PACKET_BYTES));
        properties.setProperty(IConfig.SESSION_QUEUE_SIZE, Integer.toString(SESSION_QUEUE_SIZE));
        // Send each message at once, as set_tcp_nodelay does for Mosquitto (these are Moquette's defaults too).
        properties.setProperty(IConfig.BUFFER_FLUSH_MS_PROPERTY_NAME, "immediate");
        properties.setProperty("netty.tcp_nodelay", "true");
        // mosquitto_pub and mosquitto_sub connect without a client id unless given -i.
        properties.setProperty("allow_zero_byte_client_id", "true");
        EmbeddedBroker broker = new EmbeddedBroker(host, port);
        broker.server.startServer(new MemoryConfig(properties));
        return broker;
    }

    int port() {
        return port;
    }

    /** True when it listens on every network interface, not only this machine's own. */
    boolean isOpenToTheNetwork() {
        return !host.equals("127.0.0.1");
    }

    @Override
    public void close() {
        server.stopServer();
    }
}
