package coop.steward.launcher;

import io.moquette.broker.Server;
import io.moquette.broker.config.IConfig;
import io.moquette.broker.config.MemoryConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/** Moquette inside the demo's process, so the demo needs no broker installed. Sessions persist in its folder. */
final class EmbeddedBroker implements AutoCloseable {
    private final Server server = new Server();
    private final int port;

    private EmbeddedBroker(int port) {
        this.port = port;
    }

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
        // mosquitto_pub and mosquitto_sub connect without a client id unless given -i.
        properties.setProperty("allow_zero_byte_client_id", "true");
        EmbeddedBroker broker = new EmbeddedBroker(port);
        broker.server.startServer(new MemoryConfig(properties));
        return broker;
    }

    int port() {
        return port;
    }

    @Override
    public void close() {
        server.stopServer();
    }
}
