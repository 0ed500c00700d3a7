package coop.steward.agent.config;

import coop.steward.config.ConfigException;
import coop.steward.config.DeviceConfig;
import coop.steward.config.DeviceConfigLoader;
import coop.steward.protocol.ConfigAck;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last config pushed to this device that it applied: {@code last-good.yaml} in its storage folder, written so
 * that a power cut leaves either the old file or the new one, never a torn one.
 */
public final class LastGoodConfig {
    public static final String FILE = "last-good.yaml";
    private static final Logger LOG = LoggerFactory.getLogger(LastGoodConfig.class);

    /**
     * The config an agent starts with and the SHA-256 of the file it came from, which the agent's status names
     * (null when the file could not be read again).
     */
    public record Start(DeviceConfig config, String hash) {
        static Start of(DeviceConfig config, Path file) {
            try {
                return new Start(config, ConfigAck.hashOf(Files.readAllBytes(file)));
            } catch (IOException e) {
                LOG.warn("{}/{}: cannot read {} again to name its hash in the status: {}", config.site(),
                        config.device(), file, e.getMessage());
                return new Start(config, null);
            }
        }
    }

    private LastGoodConfig() {
    }

    /** Writes a temporary file, fsyncs it, renames it over the old one and fsyncs the folder. */
    static void save(Path storageDir, byte[] yaml) throws IOException {
        Files.createDirectories(storageDir);
        Path target = storageDir.resolve(FILE);
        Path temporary = storageDir.resolve(FILE + ".tmp");
        try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(yaml);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(true);
        }
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel dir = FileChannel.open(storageDir, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // Some file systems cannot sync a folder; the rename is still atomic, only perhaps not yet durable.
            LOG.debug("cannot fsync the folder {}: {}", storageDir, e.getMessage());
        }
    }

    /**
     * The config to start with. The file given on the command line, unless the last pushed config is newer (by
     * modification time) and names the same site, device, broker and storage folder (which a push cannot change):
     * then the device starts as it was last told to run, even before it can reach its broker. Either way the
     * retained config on the broker, if there is one, is applied again after connecting.
     */
    public static Start choose(Path configFile, DeviceConfig fromFile) {
        Path lastGood = fromFile.storageDir().resolve(FILE);
        if (!Files.isRegularFile(lastGood)) {
            return Start.of(fromFile, configFile);
        }
        String name = fromFile.site() + "/" + fromFile.device();
        try {
            FileTime pushed = Files.getLastModifiedTime(lastGood);
            if (pushed.compareTo(Files.getLastModifiedTime(configFile)) <= 0) {
                LOG.info("{}: starting with {}, which is newer than the last pushed config {}", name, configFile,
                        lastGood);
                return Start.of(fromFile, configFile);
            }
            DeviceConfig candidate = DeviceConfigLoader.load(lastGood);
            if (!RemoteConfig.unchangeable(fromFile, candidate).isEmpty()) {
                LOG.info("{}: starting with {}: the last pushed config {} names another device, broker or storage "
                        + "folder", name, configFile, lastGood);
                return Start.of(fromFile, configFile);
            }
            LOG.info("{}: starting with the last pushed config {}, which is newer than {}", name, lastGood,
                    configFile);
            return Start.of(candidate, lastGood);
        } catch (IOException | ConfigException e) {
            LOG.warn("{}: cannot use the last pushed config {} ({}); starting with {}", name, lastGood,
                    e.getMessage(), configFile);
            return Start.of(fromFile, configFile);
        }
    }
}
