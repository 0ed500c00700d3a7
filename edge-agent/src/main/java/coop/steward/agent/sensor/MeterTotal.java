package coop.steward.agent.sensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The litres a flow meter has counted over all the agent's runs, kept in {@code meters/<meter>.litres} in the
 * agent's storage folder as one decimal number. Saved by writing a temporary file, syncing it and renaming it over
 * the old one, so a power cut leaves the old total or the new one, never a torn file. Deleting the file resets the
 * meter to 0.
 */
final class MeterTotal {
    private final Path file;
    private final double litres;

    private MeterTotal(Path file, double litres) {
        this.file = file;
        this.litres = litres;
    }

    /** The saved total, 0 for a new meter; a damaged file stops the agent rather than restarting the count. */
    static MeterTotal open(Path storageDir, String meter) {
        Path file = storageDir.resolve("meters").resolve(meter + ".litres");
        if (!Files.exists(file)) {
            return new MeterTotal(file, 0);
        }
        try {
            String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
            double litres = Double.parseDouble(text);
            if (!Double.isFinite(litres) || litres < 0) {
                throw new NumberFormatException(text);
            }
            return new MeterTotal(file, litres);
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("the water meter total " + file + " cannot be read (" + e.getMessage()
                    + "); put the meter's last total in it, or delete it to start counting from 0 again", e);
        }
    }

    /** The total when the agent started. */
    double litres() {
        return litres;
    }

    Path file() {
        return file;
    }

    synchronized void save(double total) throws IOException {
        Path dir = file.getParent();
        Files.createDirectories(dir);
        Path temporary = dir.resolve(file.getFileName() + ".tmp");
        try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            out.write(ByteBuffer.wrap((total + "\n").getBytes(StandardCharsets.US_ASCII)));
            out.force(true);
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel folder = FileChannel.open(dir, StandardOpenOption.READ)) {
            folder.force(true);
        } catch (IOException e) {
            // Some file systems cannot sync a folder; the rename is still atomic.
        }
    }
}
