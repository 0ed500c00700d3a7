package coop.steward.config;

import java.nio.file.Path;

/**
 * The files a TLS connection to the broker needs, all PEM.
 *
 * @param caFile   the certificate authority that signed the broker's certificate; null trusts the system's CAs,
 *                 as for a broker with a certificate from a public CA
 * @param certFile this client's own certificate, for a broker that asks for one; null when it does not
 * @param keyFile  the private key of {@code certFile} (unencrypted PKCS#8, as openssl 3 writes them); null with it
 */
public record TlsFiles(Path caFile, Path certFile, Path keyFile) {
    public TlsFiles {
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("a client certificate needs its key, and a key its certificate");
        }
    }
}
