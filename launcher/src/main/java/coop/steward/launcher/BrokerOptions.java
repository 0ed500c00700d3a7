package coop.steward.launcher;

import coop.steward.agent.publish.MqttLogin;
import coop.steward.config.TlsFiles;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * How a command logs in to its broker: the account (a file {@code bin/steward identities} wrote, or
 * {@code STEWARD_MQTT_USERNAME} and {@code STEWARD_MQTT_PASSWORD}; never the command line, where any user of the
 * machine can read it) and, for an {@code ssl://} broker, the certificate files.
 */
final class BrokerOptions {
    @Option(names = "--mqtt-account", paramLabel = "FILE",
            description = "the broker account to log in as: an account file from bin/steward identities; without it, "
                    + "STEWARD_MQTT_USERNAME and STEWARD_MQTT_PASSWORD from the environment")
    Path accountFile;

    @Option(names = "--mqtt-ca", paramLabel = "FILE",
            description = "for an ssl:// broker: the CA (PEM) that signed its certificate; without it the system's "
                    + "CAs are trusted")
    Path caFile;

    @Option(names = "--mqtt-cert", paramLabel = "FILE",
            description = "for a broker that asks for client certificates: this client's certificate (PEM)")
    Path certFile;

    @Option(names = "--mqtt-key", paramLabel = "FILE",
            description = "the private key of --mqtt-cert (PEM, unencrypted PKCS#8 as openssl 3 writes it)")
    Path keyFile;

    /** What is wrong with the options for this broker address, as a sentence. */
    Optional<String> problem(String url) {
        if (accountFile != null && !Files.isReadable(accountFile)) {
            return Optional.of("cannot read the account file " + accountFile + ": check the path and that this user "
                    + "may read it");
        }
        if (caFile == null && certFile == null && keyFile == null) {
            return Optional.empty();
        }
        if (!url.startsWith("ssl://")) {
            return Optional.of("--mqtt-ca, --mqtt-cert and --mqtt-key are for a TLS broker: write its address as "
                    + "ssl://host:port (usually port 8883)");
        }
        if ((certFile == null) != (keyFile == null)) {
            return Optional.of("--mqtt-cert and --mqtt-key go together: give both, or neither");
        }
        for (Path file : new Path[] {caFile, certFile, keyFile}) {
            if (file != null && !Files.isReadable(file)) {
                return Optional.of("cannot read " + file + ": check the path and that this user may read it");
            }
        }
        return Optional.empty();
    }

    /** @throws IllegalArgumentException when the account file lacks a user name or password */
    MqttLogin login() {
        if (accountFile == null) {
            return new MqttLogin(System.getenv(MqttLogin.USERNAME_VARIABLE), System.getenv(MqttLogin.PASSWORD_VARIABLE));
        }
        return login(accountFile);
    }

    /** @throws IllegalArgumentException when the file cannot be read or lacks a user name or password */
    static MqttLogin login(Path accountFile) {
        Properties account = new Properties();
        try (Reader in = Files.newBufferedReader(accountFile, StandardCharsets.UTF_8)) {
            account.load(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the account file " + accountFile + " (" + e + ")", e);
        }
        String username = account.getProperty(MqttLogin.USERNAME_VARIABLE);
        String password = account.getProperty(MqttLogin.PASSWORD_VARIABLE);
        if (username == null || password == null) {
            throw new IllegalArgumentException(accountFile + " is not an account file: it needs the lines "
                    + MqttLogin.USERNAME_VARIABLE + "=... and " + MqttLogin.PASSWORD_VARIABLE + "=..., as "
                    + "bin/steward identities writes them");
        }
        return new MqttLogin(username.strip(), password.strip());
    }

    /** Null when none was given. */
    TlsFiles files() {
        return caFile == null && certFile == null ? null : new TlsFiles(caFile, certFile, keyFile);
    }
}
