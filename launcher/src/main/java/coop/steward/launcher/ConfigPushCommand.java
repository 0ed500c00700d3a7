package coop.steward.launcher;

import coop.steward.agent.publish.MqttLogin;
import coop.steward.agent.publish.PemTls;
import coop.steward.config.ConfigError;
import coop.steward.config.ConfigException;
import coop.steward.config.DeviceConfig;
import coop.steward.config.DeviceConfigLoader;
import coop.steward.protocol.Channel;
import coop.steward.protocol.ConfigAck;
import coop.steward.protocol.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLHandshakeException;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code steward config push FILE --mqtt URL}: sends a device config to its device and waits for its answer. */
@Command(name = "push", mixinStandardHelpOptions = true,
        description = {"Sends a device config to its device over MQTT and waits for the device's answer.",
                "The file is checked here first, as 'config validate' does; then it is published, retained, on "
                        + "steward/v1/{site}/{device}/config, so a device that is offline gets it when it connects.",
                "The device applies it without a restart and answers on .../config/ack.",
                "Broker credentials come from --mqtt-account FILE (the operator's, from bin/steward identities) or "
                        + "STEWARD_MQTT_USERNAME and STEWARD_MQTT_PASSWORD.",
                "Exit code: 0 applied; 1 invalid, or rejected or rolled back by the device; 3 no answer within "
                        + "--timeout; 4 the broker cannot be reached (nothing was sent)."})
final class ConfigPushCommand implements Callable<Integer> {
    static final int APPLIED = 0;
    static final int REFUSED = 1;
    static final int NO_ANSWER = 3;
    static final int NO_BROKER = 4;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "the device config (YAML), as the device should run it")
    Path file;

    @Option(names = "--mqtt", required = true, paramLabel = "URL",
            description = "the broker the device uses, tcp://host:port or ssl://host:port")
    String mqtt;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "how long to wait for the device's answer (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Mixin
    BrokerOptions broker = new BrokerOptions();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            return push(out, err);
        } finally {
            out.flush();
            err.flush();
        }
    }

    private int push(PrintWriter out, PrintWriter err) {
        if (broker.problem(mqtt).isPresent()) {
            err.println(broker.problem(mqtt).get() + "; nothing was sent");
            return NO_BROKER;
        }
        byte[] bytes;
        DeviceConfig config;
        try {
            bytes = Files.readAllBytes(file);
            config = DeviceConfigLoader.parse(utf8(bytes), file.toString());
        } catch (IOException e) {
            err.println(file + ": cannot read the file (" + e.getMessage() + ")");
            return REFUSED;
        } catch (ConfigException e) {
            e.errors().forEach(err::println);
            err.println("Nothing was sent.");
            return REFUSED;
        }
        String device = config.site() + "/" + config.device();
        String hash = ConfigAck.hashOf(bytes);
        MqttClient client;
        try {
            client = new MqttClient(mqtt, "steward-config-push-" + UUID.randomUUID(), new MemoryPersistence());
        } catch (MqttException | IllegalArgumentException e) {
            err.println("--mqtt '" + mqtt + "' is not a broker URL (" + e.getMessage()
                    + "): use tcp://host:port or ssl://host:port");
            return NO_BROKER;
        }
        try {
            CompletableFuture<ConfigAck> answer = new CompletableFuture<>();
            try {
                client.connect(options());
                client.subscribe(Topics.device(config.site(), config.device(), Channel.CONFIG_ACK), 1,
                        (topic, message) -> {
                            try {
                                ConfigAck ack = ConfigAck.decode(message.getPayload());
                                if (ack.hash().equals(hash)) {
                                    answer.complete(ack);
                                }
                            } catch (IllegalArgumentException e) {
                                // Someone else's malformed ack: not the answer to this push.
                            }
                        });
                client.publish(Topics.device(config.site(), config.device(), Channel.CONFIG), bytes, 1, true);
            } catch (MqttException e) {
                if (e.getCause() instanceof SSLHandshakeException handshake) {
                    err.println("cannot reach the broker at " + mqtt + ": it did not prove who it is, its "
                            + "certificate is not signed by the CA given with --mqtt-ca (or the system's) or not "
                            + "for this address (" + handshake.getMessage() + "); nothing was sent");
                } else {
                    err.println("cannot reach the broker at " + mqtt + " (" + e.getMessage() + "); nothing was sent");
                }
                return NO_BROKER;
            } catch (IllegalArgumentException e) {
                err.println(e.getMessage() + "; nothing was sent");
                return NO_BROKER;
            }
            out.println("sent " + file + " to " + device + " (sha256 " + hash + "); waiting for its answer");
            out.flush();
            return report(answer, device, out, err);
        } finally {
            close(client);
        }
    }

    private int report(CompletableFuture<ConfigAck> answer, String device, PrintWriter out, PrintWriter err) {
        ConfigAck ack;
        try {
            ack = answer.get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            err.println("no answer from " + device + " within " + timeoutSeconds + " s: it is offline or busy. The "
                    + "config stays retained on the broker, so the device applies it when it connects; its answer "
                    + "comes on steward/v1/" + device + "/config/ack");
            return NO_ANSWER;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return NO_ANSWER;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
        switch (ack.outcome()) {
            case ConfigAck.APPLIED -> {
                out.println("applied: " + device + " runs " + file + " now");
                return APPLIED;
            }
            case ConfigAck.ROLLED_BACK -> err.println("rolled back: " + device + " could not apply " + file
                    + " and runs its previous config:");
            default -> err.println("rejected: " + device + " did not apply " + file + ":");
        }
        ack.errors().forEach(error -> err.println("  " + error));
        return REFUSED;
    }

    private MqttConnectOptions options() {
        MqttConnectOptions options = new MqttConnectOptions();
        if (mqtt.startsWith("ssl://")) {
            options.setSocketFactory(PemTls.context(broker.files()).getSocketFactory());
            options.setHttpsHostnameVerificationEnabled(true);
        }
        options.setCleanSession(true);
        options.setConnectionTimeout(10);
        MqttLogin login = broker.login();
        String username = login.username();
        String password = login.password();
        if (username != null) {
            options.setUserName(username);
        }
        if (password != null) {
            options.setPassword(password.toCharArray());
        }
        return options;
    }

    private String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException(List.of(new ConfigError(file.toString(), 0, "",
                    "the file is not UTF-8 text; save it as UTF-8 plain text and try again")));
        }
    }

    private static void close(MqttClient client) {
        try {
            if (client.isConnected()) {
                client.disconnect(2_000);
            }
            client.close();
        } catch (MqttException e) {
            // Done anyway.
        }
    }
}
