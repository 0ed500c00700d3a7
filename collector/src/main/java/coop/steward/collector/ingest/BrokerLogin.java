package coop.steward.collector.ingest;

import coop.steward.config.TlsFiles;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.mqtt.MqttClientOptions;

/** How a collector's MQTT client logs in: its account and, for an {@code ssl://} broker, its certificate files. */
public final class BrokerLogin {
    private BrokerLogin() {
    }

    /** Sets {@code options} to log in as {@code username} and, with {@code tls}, to check the broker's certificate. */
    public static MqttClientOptions apply(MqttClientOptions options, boolean tls, TlsFiles files, String username,
                                          String password) {
        if (username != null) {
            options.setUsername(username);
        }
        if (password != null) {
            options.setPassword(password);
        }
        if (tls) {
            options.setSsl(true).setHostnameVerificationAlgorithm("HTTPS");
            if (files != null && files.caFile() != null) {
                options.setTrustOptions(new PemTrustOptions().addCertPath(files.caFile().toString()));
            }
            if (files != null && files.certFile() != null) {
                options.setKeyCertOptions(new PemKeyCertOptions().setCertPath(files.certFile().toString())
                        .setKeyPath(files.keyFile().toString()));
            }
        }
        return options;
    }
}
