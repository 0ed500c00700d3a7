package coop.steward.config;

import java.util.regex.Pattern;

/**
 * How the agent reaches its broker.
 *
 * @param url         {@code tcp://host:port} or {@code ssl://host:port}
 * @param username    null when the broker takes anonymous clients
 * @param passwordEnv the name of the environment variable holding the password, or null; the password itself
 *                    never appears in a configuration file
 * @param tls         the certificate files for an {@code ssl://} broker; null for {@code tcp://}, and for
 *                    {@code ssl://} with the system's CAs and no client certificate
 */
public record MqttSettings(String url, String username, String passwordEnv, int keepAliveSeconds, TlsFiles tls) {
    public static final int DEFAULT_KEEP_ALIVE_SECONDS = 30;
    /** What a broker account may be called: safe in Mosquitto's password and ACL files and in a file name. */
    public static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    public MqttSettings(String url, String username, String passwordEnv, int keepAliveSeconds) {
        this(url, username, passwordEnv, keepAliveSeconds, null);
    }

    public boolean usesTls() {
        return url.startsWith("ssl://");
    }
}
