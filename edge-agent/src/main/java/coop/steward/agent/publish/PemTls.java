package coop.steward.agent.publish;

import coop.steward.config.TlsFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A TLS context from the PEM files Mosquitto and openssl use, so that a device needs no Java key store. The broker's
 * certificate is checked against {@code caFile} (or the system's CAs) and its host name against the address.
 */
public final class PemTls {
    private static final Pattern KEY = Pattern.compile(
            "-----BEGIN (RSA |EC )?PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END (RSA |EC )?PRIVATE KEY-----");
    private static final char[] NO_PASSWORD = new char[0];
    private static final int MAX_FILE_BYTES = 1024 * 1024;

    private PemTls() {
    }

    /** @throws IllegalArgumentException naming the file and what is wrong with it */
    public static SSLContext context(TlsFiles files) {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (files == null || files.caFile() == null) {
                trust.init((KeyStore) null);
            } else {
                KeyStore cas = KeyStore.getInstance(KeyStore.getDefaultType());
                cas.load(null, null);
                List<Certificate> certificates = certificates(files.caFile());
                for (int i = 0; i < certificates.size(); i++) {
                    cas.setCertificateEntry("ca-" + i, certificates.get(i));
                }
                trust.init(cas);
            }
            KeyManagerFactory keys = null;
            if (files != null && files.certFile() != null) {
                KeyStore own = KeyStore.getInstance(KeyStore.getDefaultType());
                own.load(null, null);
                own.setKeyEntry("client", privateKey(files.keyFile()), NO_PASSWORD,
                        certificates(files.certFile()).toArray(Certificate[]::new));
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(own, NO_PASSWORD);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    private static List<Certificate> certificates(Path file) {
        byte[] bytes = read(file, "certificate");
        try {
            Collection<? extends Certificate> found = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(bytes));
            if (found.isEmpty()) {
                throw new IllegalArgumentException(file + " holds no certificate; give a PEM file that starts with "
                        + "-----BEGIN CERTIFICATE-----");
            }
            return new ArrayList<>(found);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(file + " is not a PEM certificate (" + e.getMessage() + "); give a "
                    + "file that starts with -----BEGIN CERTIFICATE-----", e);
        }
    }

    private static PrivateKey privateKey(Path file) {
        String text = new String(read(file, "private key"), StandardCharsets.US_ASCII);
        Matcher pem = KEY.matcher(text);
        if (!pem.find()) {
            throw new IllegalArgumentException(file + " holds no unencrypted private key; give a PEM file that "
                    + "starts with -----BEGIN PRIVATE KEY----- (openssl pkcs8 -topk8 -nocrypt converts others)");
        }
        if (pem.group(1) != null) {
            throw new IllegalArgumentException(file + " is a " + pem.group(1).strip() + " key in the old PKCS#1 "
                    + "form; convert it with: openssl pkcs8 -topk8 -nocrypt -in " + file.getFileName() + " -out "
                    + "client-pkcs8.key");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.group(2));
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // Try the next algorithm.
            }
        }
        throw new IllegalArgumentException(file + " holds a private key of a kind Steward cannot use; use an RSA, "
                + "EC or Ed25519 key");
    }

    /** Certificate files are a few KB; a path to something endless (a device, a pipe) must not fill the heap. */
    private static byte[] read(Path file, String what) {
        try (var in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
            if (bytes.length > MAX_FILE_BYTES) {
                throw new IllegalArgumentException("the " + what + " file " + file + " is over " + MAX_FILE_BYTES
                        / 1024 + " KiB, which no PEM " + what + " is; check the path");
            }
            return bytes;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the " + what + " file " + file + " (" + e + ")", e);
        }
    }
}
