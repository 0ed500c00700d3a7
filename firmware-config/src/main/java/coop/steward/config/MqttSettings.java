package coop.steward.config;

/**
 * How the agent reaches its broker.
 *
 * @param url         {@code tcp://host:port} or {@code ssl://host:port}
 * @param username    null when the broker takes anonymous clients
 * @param passwordEnv the name of the environment variable holding the password, or null; the password itself
 *                    never appears in a configuration file
 */
public record MqttSettings(String url, String username, String passwordEnv, int keepAliveSeconds) {
    public static final int DEFAULT_KEEP_ALIVE_SECONDS = 30;
}
