package coop.steward.agent.config;

import coop.steward.config.ConfigException;
import coop.steward.config.DeviceConfig;
import coop.steward.config.DeviceConfigLoader;
import coop.steward.protocol.ConfigAck;
import coop.steward.protocol.Untrusted;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last config pushed to this device that it applied and ran well: {@code last-good.yaml} in its storage folder,
 * written so that a power cut leaves either the old file or the new one, never a torn one. Beside it, while a pushed
 * config runs on trial, {@code config-on-trial.sha256} names it: found at start, it names a config the agent died
 * trying.
 */
public final class LastGoodConfig {
    public static final String FILE = "last-good.yaml";
    public static final String TRIAL = "config-on-trial.sha256";
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
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

    /** Notes that the config with this hash is about to run on trial. */
    static void beginTrial(Path storageDir, String hash) throws IOException {
        Files.createDirectories(storageDir);
        Files.writeString(storageDir.resolve(TRIAL), hash + "\n", StandardCharsets.US_ASCII);
    }

    /** The trial ended: kept, rolled back or abandoned. */
    static void endTrial(Path storageDir) {
        try {
            Files.deleteIfExists(storageDir.resolve(TRIAL));
        } catch (IOException e) {
            LOG.warn("cannot remove {} from {}: {}; the config it names will not run again from the retained copy",
                    TRIAL, storageDir, e.getMessage());
        }
    }

    /** The hash of the config on trial when the agent last stopped without ending the trial, or null. */
    static String unfinishedTrial(Path storageDir) {
        Path file = storageDir.resolve(TRIAL);
        try (InputStream in = Files.newInputStream(file)) {
            String hash = new String(in.readNBytes(100), StandardCharsets.US_ASCII).strip();
            return SHA256.matcher(hash).matches() ? hash : null;
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            LOG.warn("cannot read {}: {}", file, e.getMessage());
            return null;
        }
    }

    /**
     * The config to start with. The file given on the command line, unless the last pushed config is newer (by
     * modification time) and keeps to {@link PushRules} against the file (the same site, device, broker and storage
     * folder, no faster sampling, no larger outbox): then the device starts as it was last told to run, even before it can reach its broker. Either way the
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
            List<String> refused = PushRules.refusals(fromFile, candidate);
            if (!refused.isEmpty()) {
                LOG.info("{}: starting with {}: the last pushed config {} does what a push may not: {}", name,
                        configFile, lastGood, Untrusted.cut(String.join("; ", refused), RemoteConfig.MAX_LOGGED));
                return Start.of(fromFile, configFile);
            }
            LOG.info("{}: starting with the last pushed config {}, which is newer than {}", name, lastGood,
                    configFile);
            return Start.of(candidate, lastGood);
        } catch (IOException | ConfigException e) {
            LOG.warn("{}: cannot use the last pushed config {} ({}); starting with {}", name, lastGood,
                    Untrusted.cut(e.getMessage(), RemoteConfig.MAX_LOGGED), configFile);
            return Start.of(fromFile, configFile);
        }
    }
}
