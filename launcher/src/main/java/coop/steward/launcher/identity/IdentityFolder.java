package coop.steward.launcher.identity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A site's identities on disk: {@code accounts/NAME.env}, one per account, with its user name and password, to be
 * installed where that account runs; {@code mosquitto/} with the password file, the ACL and a configuration that
 * uses them. Generating again keeps every password already in an account file, so adding a device changes nobody
 * else's.
 */
public final class IdentityFolder {
    private final Path dir;

    public IdentityFolder(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    public Path dir() {
        return dir;
    }

    /** What one generation did, for the person who ran it. */
    /** @param brokerCannotRead why Mosquitto could not read the password file as it is, or null when it can */
    public record Written(List<String> created, List<String> kept, Path mosquittoConf, String brokerCannotRead) {
    }

    public Path accountFile(String username) {
        return dir.resolve("accounts").resolve(username + ".env");
    }

    public Path mosquittoConf() {
        return dir.resolve("mosquitto").resolve("steward.conf");
    }

    Path passwordFile() {
        return dir.resolve("mosquitto").resolve("passwords");
    }

    Path aclFile() {
        return dir.resolve("mosquitto").resolve("acl");
    }

    public Written write(List<Account> accounts, ListenerSettings listeners) {
        try {
            Files.createDirectories(dir.resolve("accounts"));
            Files.createDirectories(dir.resolve("mosquitto"));
            Map<String, String> passwords = new HashMap<>();
            List<String> created = new ArrayList<>();
            List<String> kept = new ArrayList<>();
            for (Account account : accounts) {
                String password = password(account.username());
                if (password == null) {
                    password = PasswordHash.newPassword();
                    writeSecret(accountFile(account.username()), "# Steward broker account of " + account.purpose()
                            + ".\n# Secret: install it only where that runs (docs/security.md).\n"
                            + "STEWARD_MQTT_USERNAME=" + account.username() + "\nSTEWARD_MQTT_PASSWORD=" + password
                            + "\n");
                    created.add(account.username());
                } else {
                    kept.add(account.username());
                }
                passwords.put(account.username(), password);
            }
            writeSecret(passwordFile(), MosquittoFiles.passwordFile(accounts, passwords));
            String brokerCannotRead = letMosquittoRead(passwordFile());
            Files.writeString(aclFile(), MosquittoFiles.aclFile(accounts), StandardCharsets.UTF_8);
            Files.writeString(mosquittoConf(), MosquittoConf.text(passwordFile(), aclFile(), listeners),
                    StandardCharsets.UTF_8);
            return new Written(created, kept, mosquittoConf(), brokerCannotRead);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the identities in " + dir + " (" + e.getMessage() + ")", e);
        }
    }

    /** The password in an account's file, or null when it has none yet. */
    public String password(String username) {
        return variable(username, "STEWARD_MQTT_PASSWORD");
    }

    /** The accounts and passwords the generated files hold, for the demo's own broker to check logins against. */
    public BrokerAccounts load() {
        try {
            return new BrokerAccounts(
                    MosquittoFiles.readPasswordFile(Files.readString(passwordFile(), StandardCharsets.UTF_8)),
                    MosquittoFiles.readAclFile(Files.readString(aclFile(), StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the identities in " + dir + " (" + e.getMessage()
                    + "); generate them with bin/steward identities", e);
        }
    }

    private String variable(String username, String name) {
        Path file = accountFile(username);
        if (!Files.exists(file)) {
            return null;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.startsWith(name + "=") && line.length() > name.length() + 1) {
                    return line.substring(name.length() + 1).strip();
                }
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Mosquitto reads its password file after it has become the {@code mosquitto} user, so the file is given to that
     * group where it exists (on the broker's machine); else why not, as the start of a sentence.
     */
    private static String letMosquittoRead(Path file) {
        GroupPrincipal group;
        try {
            group = file.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName("mosquitto");
        } catch (IOException | UnsupportedOperationException e) {
            return "This machine has no 'mosquitto' group: on the broker's machine, give it the password file";
        }
        try {
            Files.getFileAttributeView(file, PosixFileAttributeView.class).setGroup(group);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
            return null;
        } catch (IOException | UnsupportedOperationException e) {
            return "This user may not give the password file to the 'mosquitto' group (" + e.getMessage()
                    + "); run this as root, or give it yourself";
        }
    }

    /** Readable by its owner only, from the moment it exists. */
    private static void writeSecret(Path file, String text) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".new");
        Files.deleteIfExists(temporary);
        Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(temporary, text, StandardCharsets.UTF_8);
        Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
