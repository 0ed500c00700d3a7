package coop.steward.agent.config;

import coop.steward.config.ConfigError;
import coop.steward.config.ConfigException;
import coop.steward.config.DeviceConfig;
import coop.steward.config.DeviceConfigLoader;
import coop.steward.protocol.ConfigAck;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a config pushed on {@code steward/v1/{site}/{device}/config}: the device config YAML as UTF-8 text, the
 * same file {@code bin/steward config validate} checks, validated by the same loader. A valid config is applied
 * without a restart and kept as {@link LastGoodConfig}; any failure on the way puts the previous config back.
 * The outcome goes to {@code .../config/ack}.
 *
 * <p>A push cannot change the site, the device, the broker settings or the storage folder: a mistake there
 * would cut the device off or lose its outbox, and applying the rest would leave it half-configured. Such a
 * push is rejected as a whole. A retained config the device already runs (same hash) is ignored when the broker
 * hands it out again on (re)connection.
 */
public final class RemoteConfig {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteConfig.class);

    /** What the agent offers; every call comes on the agent's own thread. */
    public interface Target {
        DeviceConfig current();

        /** Runs this config's sensors and settings; when it throws, the config it had still runs. */
        void run(DeviceConfig config) throws Exception;

        void acknowledge(ConfigAck ack);
    }

    private final Target target;
    private final String sourceName;
    private String appliedHash;

    /** @param topic the config topic, named in error messages in place of a file */
    public RemoteConfig(Target target, String topic) {
        this.target = target;
        this.sourceName = topic;
    }

    /**
     * Handles one message from the config topic.
     *
     * @param retained whether the broker sent it as a retained message (on subscribing), rather than as a push
     *                 made while connected
     */
    public void received(byte[] payload, boolean retained) {
        if (payload.length == 0) {
            return; // The retained config was cleared; the device keeps what it runs.
        }
        String hash = ConfigAck.hashOf(payload);
        if (retained && hash.equals(appliedHash)) {
            return;
        }
        target.acknowledge(handle(payload, hash));
    }

    private ConfigAck handle(byte[] payload, String hash) {
        DeviceConfig current = target.current();
        String name = current.site() + "/" + current.device();
        DeviceConfig next;
        try {
            next = DeviceConfigLoader.parse(utf8(payload), sourceName);
        } catch (CharacterCodingException e) {
            return rejected(name, hash, List.of(sourceName + ": the config is not UTF-8 text; send the YAML file "
                    + "as it is, saved as UTF-8"));
        } catch (ConfigException e) {
            return rejected(name, hash, e.errors().stream().map(ConfigError::toString).toList());
        }
        List<String> refused = unchangeable(current, next);
        if (!refused.isEmpty()) {
            return rejected(name, hash, refused.stream().map(reason -> sourceName + ": " + reason).toList());
        }
        boolean changed = !next.equals(current);
        if (changed) {
            try {
                target.run(next);
            } catch (Exception e) {
                LOG.error("{}: cannot apply the pushed config {}; keeping the one it runs", name, hash, e);
                rollBack(name, current);
                return ConfigAck.rolledBack(hash, List.of("applying the config failed: " + e.getMessage()));
            }
        }
        try {
            LastGoodConfig.save(current.storageDir(), payload);
        } catch (IOException e) {
            LOG.error("{}: cannot keep the pushed config as {} in {}; going back to the previous config", name,
                    LastGoodConfig.FILE, current.storageDir(), e);
            if (changed) {
                rollBack(name, current);
            }
            return ConfigAck.rolledBack(hash, List.of("cannot write " + current.storageDir().resolve(
                    LastGoodConfig.FILE) + " (" + e.getMessage() + "), so the config would not survive a restart"));
        }
        appliedHash = hash;
        LOG.info("{}: applied the pushed config {}{}", name, hash, changed ? "" : " (the config it already ran)");
        return ConfigAck.applied(hash);
    }

    private ConfigAck rejected(String name, String hash, List<String> errors) {
        LOG.warn("{}: rejected the pushed config {}: {}", name, hash, String.join("; ", errors));
        return ConfigAck.rejected(hash, errors);
    }

    private void rollBack(String name, DeviceConfig previous) {
        try {
            target.run(previous);
        } catch (Exception e) {
            LOG.error("{}: cannot go back to the previous config either; restart the agent", name, e);
        }
    }

    /** What {@code next} changes that a push may not change, one sentence each; empty when nothing. */
    static List<String> unchangeable(DeviceConfig current, DeviceConfig next) {
        List<String> refused = new ArrayList<>();
        if (!next.site().equals(current.site())) {
            refused.add("site: a pushed config cannot move the device to another site ('" + next.site()
                    + "'); it is '" + current.site() + "'");
        }
        if (!next.device().equals(current.device())) {
            refused.add("device: a pushed config cannot rename the device ('" + next.device() + "'); it is '"
                    + current.device() + "'");
        }
        if (!next.mqtt().equals(current.mqtt())) {
            refused.add("mqtt: a pushed config cannot change how the device reaches its broker (a mistake would "
                    + "cut it off); change mqtt in the config file on the device");
        }
        if (!next.storageDir().equals(current.storageDir())) {
            refused.add("storage.dir: a pushed config cannot move the device's storage folder (" + next.storageDir()
                    + "; it is " + current.storageDir() + "), where its outbox is; change it in the config file on "
                    + "the device");
        }
        return refused;
    }

    private static String utf8(byte[] payload) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(payload))
                .toString();
    }
}
