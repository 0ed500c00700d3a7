package coop.steward.collector.ingest;

import coop.steward.collector.alert.Alerts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The collector's MQTT client id, kept in its data folder ({@value #FILE}). The same across restarts, so that its
 * persistent session, with what the broker queued for it while it was stopped, is its own again; different for
 * every collector, so that two collectors on one broker (a hub's, or two sites sharing one) never push each other
 * off. A folder a collector used before the id was kept there keeps the id every collector had then,
 * {@value #FORMER}: its session on the broker may hold readings queued while it was stopped.
 */
public final class CollectorId {
    public static final String FILE = "collector-id";
    /** The id of every collector before it was kept in the data folder. */
    public static final String FORMER = "steward-collector";
    /** Brokers must take 23 characters of letters and digits; Mosquitto takes these, and longer ones. */
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private CollectorId() {
    }

    /**
     * The id kept in {@code dataDir}, made and kept there on the first start.
     *
     * @throws IllegalArgumentException when the file holds something that is not a client id, saying what to do
     */
    public static String of(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE);
        if (Files.exists(file)) {
            String id = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (!VALID.matcher(id).matches()) {
                throw new IllegalArgumentException(file.toAbsolutePath() + " does not hold an MQTT client id: write "
                        + "1 to 64 letters, digits, '.', '_' or '-' in it, starting with a letter or digit, or delete it "
                        + "and a new id is made");
            }
            return id;
        }
        String id = Files.exists(dataDir.resolve(Alerts.FILE)) ? FORMER
                : FORMER + "-" + HexFormat.of().formatHex(SecureRandom.getSeed(4));
        Files.createDirectories(dataDir);
        Path written = Files.writeString(dataDir.resolve(FILE + ".new"), id + "\n", StandardCharsets.UTF_8);
        Files.move(written, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return id;
    }
}
