package coop.steward.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority made by a test, and certificates it signs, written as the PEM files Mosquitto and Steward
 * read: each certificate beside its unencrypted PKCS#8 key.
 */
public final class Certificates {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private final Path dir;
    private final String name;
    private final KeyPair keys;
    private final X509Certificate certificate;

    /** A PEM certificate and its key. */
    public record Issued(Path certFile, Path keyFile) {
    }

    private Certificates(Path dir, String name, KeyPair keys, X509Certificate certificate) {
        this.dir = dir;
        this.name = name;
        this.keys = keys;
        this.certificate = certificate;
    }

    /** A new CA, its certificate written to {@code dir/NAME.crt}. */
    public static Certificates authority(Path dir, String name) {
        KeyPair keys = keyPair();
        X500Name subject = new X500Name("CN=" + name);
        X509Certificate certificate = sign(new JcaX509v3CertificateBuilder(subject, serial(), notBefore(), notAfter(),
                subject, keys.getPublic()), keys, true, null);
        Certificates ca = new Certificates(dir, name, keys, certificate);
        ca.write(dir.resolve(name + ".crt"), "CERTIFICATE", encoded(certificate));
        return ca;
    }

    public Path certFile() {
        return dir.resolve(name + ".crt");
    }

    /** A server's certificate for 127.0.0.1 and localhost. */
    public Issued server(String fileName) {
        return issue(fileName, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName,
                "localhost")}));
    }

    /** A server's certificate for another name than this machine's, as a broker elsewhere would show. */
    public Issued serverNamed(String fileName, String dnsName) {
        return issue(fileName, new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)));
    }

    /** A client's certificate. */
    public Issued client(String fileName) {
        return issue(fileName, null);
    }

    private Issued issue(String fileName, GeneralNames altNames) {
        KeyPair own = keyPair();
        X509Certificate issued = sign(new JcaX509v3CertificateBuilder(certificate, serial(), notBefore(), notAfter(),
                new X500Name("CN=" + fileName), own.getPublic()), keys, false, altNames);
        Path cert = write(dir.resolve(fileName + ".crt"), "CERTIFICATE", encoded(issued));
        Path key = write(dir.resolve(fileName + ".key"), "PRIVATE KEY", own.getPrivate().getEncoded());
        return new Issued(cert, key);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer, boolean authority,
                                        GeneralNames altNames) {
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(authority));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(authority
                    ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature | KeyUsage.keyAgreement));
            if (altNames != null) {
                builder.addExtension(Extension.subjectAlternativeName, false, altNames);
            }
            return new JcaX509CertificateConverter().getCertificate(builder.build(
                    new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
        } catch (IOException | OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a test certificate", e);
        }
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private Path write(Path file, String type, byte[] der) {
        String pem = "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
        try {
            Files.createDirectories(file.getParent());
            return Files.writeString(file, pem, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIAL.incrementAndGet());
    }

    private static Date notBefore() {
        return Date.from(Instant.now().minus(Duration.ofHours(1)));
    }

    private static Date notAfter() {
        return Date.from(Instant.now().plus(Duration.ofDays(2)));
    }
}
