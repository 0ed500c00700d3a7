package coop.steward.launcher.identity;

import java.nio.file.Path;

/**
 * Where the generated Mosquitto configuration listens.
 *
 * @param bind        the address of the plain listener, or null for every interface; with TLS it is 127.0.0.1, so
 *                    that only what runs on the broker's machine skips TLS
 * @param tlsCert     the broker's certificate (PEM), or null for no TLS listener
 * @param caFile      the CA that signed the clients' certificates, when they must show one; else null
 */
public record ListenerSettings(int port, String bind, int tlsPort, Path tlsCert, Path tlsKey, Path caFile,
                               boolean requireClientCertificates) {
    public static ListenerSettings plain(int port, String bind) {
        return new ListenerSettings(port, bind, 0, null, null, null, false);
    }

    boolean tls() {
        return tlsCert != null;
    }
}
