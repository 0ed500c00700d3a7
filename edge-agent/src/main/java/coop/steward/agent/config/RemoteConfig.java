package coop.steward.agent.config;

import coop.steward.config.ConfigError;
import coop.steward.config.ConfigException;
import coop.steward.config.DeviceConfig;
import coop.steward.config.DeviceConfigLoader;
import coop.steward.protocol.ConfigAck;
import coop.steward.protocol.Untrusted;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a config pushed on {@code steward/v1/{site}/{device}/config}: the device config YAML as UTF-8 text, the
 * same file {@code bin/steward config validate} checks, validated by the same loader. The outcome goes to
 * {@code .../config/ack}.
 *
 * <p>A push cannot do what {@link PushRules} forbids (change the site, the device, the broker or the storage
 * folder, sample or flush faster than once a second, keep a larger outbox than the file on the device allows):
 * such a push is rejected as a whole, and the device runs what it ran.
 *
 * <p>A valid config runs on trial first: it is kept as {@link LastGoodConfig}, and acknowledged as applied, only
 * once every sensor has been sampled under it with none of their samplers stopped; otherwise the previous config
 * runs again. So a config that brings the agent down is never the one it starts with next time. Nor does the
 * broker's retained copy bring it down again and again: the hash of the config on trial is kept on disk until the
 * trial ends, and a config found there at start (the agent died trying it) is not run again when the broker hands
 * it out at (re)connection, only when someone pushes it again. A retained config the device already runs (same
 * hash) is ignored when the broker hands it out again.
 */
public final class RemoteConfig {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteConfig.class);
    /** Enough of the errors to see what was wrong in the log; the config/ack carries them all. */
    static final int MAX_LOGGED = 1_000;

    /** What the agent offers; every call comes on the agent's own thread. */
    public interface Target {
        DeviceConfig current();

        /** The config file on the device, against which {@link PushRules} are checked. */
        DeviceConfig local();

        /** Runs this config's sensors and settings; when it throws, the config it had still runs. */
        void run(DeviceConfig config) throws Exception;

        /**
         * Runs {@code task} on the agent's thread after everything queued there now, which includes the first
         * sample of every sensor of a config just run.
         */
        void afterQueued(Runnable task);

        /** Null while every sensor is sampled on schedule; otherwise a sentence naming one whose sampling stopped. */
        String stoppedSampling();

        void acknowledge(ConfigAck ack);
    }

    /** A config that runs, but is not yet known to run well. */
    private record Trial(byte[] payload, String hash, DeviceConfig previous) {
    }

    private final Target target;
    private final String sourceName;
    /** The hash of a config the agent was trying when it last stopped without ending the trial, or null. */
    private final String diedTrying;
    private String appliedHash;
    private Trial trial;

    /** @param topic the config topic, named in error messages in place of a file */
    public RemoteConfig(Target target, String topic) {
        this.target = target;
        this.sourceName = topic;
        this.diedTrying = LastGoodConfig.unfinishedTrial(target.current().storageDir());
        if (diedTrying != null) {
            DeviceConfig current = target.current();
            LOG.warn("{}/{}: the agent stopped while it tried the pushed config {}; it will not run it again unless "
                    + "someone pushes it again", current.site(), current.device(), diedTrying);
        }
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
        if (trial != null) {
            target.afterQueued(() -> received(payload, retained)); // once the config on trial is settled
            return;
        }
        String hash = ConfigAck.hashOf(payload);
        if (retained && hash.equals(appliedHash)) {
            return;
        }
        ConfigAck ack = handle(payload, hash, retained);
        if (ack != null) {
            target.acknowledge(ack);
        }
    }

    /** Stops a trial without blaming the config: the agent is stopping. */
    public void abandonTrial() {
        if (trial != null) {
            trial = null;
            LastGoodConfig.endTrial(target.current().storageDir());
        }
    }

    /** The ack, or null when the config now runs on trial (acknowledged when the trial ends). */
    private ConfigAck handle(byte[] payload, String hash, boolean retained) {
        DeviceConfig current = target.current();
        String name = current.site() + "/" + current.device();
        if (retained && hash.equals(diedTrying)) {
            return rolledBack(name, hash, "the agent stopped while it tried this config, so it runs its previous "
                    + "one; it will not try this config again when the broker hands it out, only when it is pushed "
                    + "again (check its sensors first)");
        }
        DeviceConfig next;
        try {
            next = DeviceConfigLoader.parse(utf8(payload), sourceName);
        } catch (CharacterCodingException e) {
            return rejected(name, hash, List.of(sourceName + ": the config is not UTF-8 text; send the YAML file "
                    + "as it is, saved as UTF-8"));
        } catch (ConfigException e) {
            return rejected(name, hash, e.errors().stream().map(ConfigError::toString).toList());
        }
        List<String> refused = PushRules.refusals(target.local(), next);
        if (!refused.isEmpty()) {
            return rejected(name, hash, refused.stream().map(reason -> sourceName + ": " + reason).toList());
        }
        if (next.equals(current)) {
            return kept(name, hash, payload, null);
        }
        try {
            LastGoodConfig.beginTrial(current.storageDir(), hash);
        } catch (IOException e) {
            return rolledBack(name, hash, "cannot write " + current.storageDir().resolve(LastGoodConfig.TRIAL)
                    + " (" + e.getMessage() + "), which keeps a config that fails from being tried again and again");
        }
        try {
            target.run(next);
        } catch (Exception e) {
            LOG.error("{}: cannot apply the pushed config {}; keeping the one it runs", name, hash, e);
            rollBack(name, current);
            LastGoodConfig.endTrial(current.storageDir());
            return ConfigAck.rolledBack(hash, List.of("applying the config failed: " + e.getMessage()));
        }
        trial = new Trial(payload, hash, current);
        target.afterQueued(this::endTrial);
        return null;
    }

    /** After the first samples under the config on trial: keeps it, or goes back to the one before. */
    private void endTrial() {
        Trial ended = trial;
        if (ended == null) {
            return; // abandoned: the agent stops
        }
        trial = null;
        DeviceConfig current = target.current();
        String name = current.site() + "/" + current.device();
        String stopped = target.stoppedSampling();
        ConfigAck ack;
        if (stopped != null) {
            LOG.error("{}: the pushed config {} stopped sampling ({}); going back to the previous config", name,
                    ended.hash(), stopped);
            rollBack(name, ended.previous());
            ack = ConfigAck.rolledBack(ended.hash(), List.of("the config ran, but " + stopped + "; the device runs "
                    + "its previous config"));
        } else {
            ack = kept(name, ended.hash(), ended.payload(), ended.previous());
        }
        LastGoodConfig.endTrial(current.storageDir());
        target.acknowledge(ack);
    }

    /**
     * Keeps the config the agent runs now as last-good and acknowledges it as applied; when it cannot be kept, goes
     * back to {@code previous} (null when the config did not change).
     */
    private ConfigAck kept(String name, String hash, byte[] payload, DeviceConfig previous) {
        DeviceConfig current = target.current();
        try {
            LastGoodConfig.save(current.storageDir(), payload);
        } catch (IOException e) {
            LOG.error("{}: cannot keep the pushed config as {} in {}; going back to the previous config", name,
                    LastGoodConfig.FILE, current.storageDir(), e);
            if (previous != null) {
                rollBack(name, previous);
            }
            return ConfigAck.rolledBack(hash, List.of("cannot write " + current.storageDir().resolve(
                    LastGoodConfig.FILE) + " (" + e.getMessage() + "), so the config would not survive a restart"));
        }
        appliedHash = hash;
        LOG.info("{}: applied the pushed config {}{}", name, hash, previous != null ? ""
                : " (the config it already ran)");
        return ConfigAck.applied(hash);
    }

    private ConfigAck rejected(String name, String hash, List<String> errors) {
        // The errors quote the pushed text, which anyone on the broker wrote.
        LOG.warn("{}: rejected the pushed config {}: {}", name, hash, Untrusted.cut(String.join("; ", errors),
                MAX_LOGGED));
        return ConfigAck.rejected(hash, errors);
    }

    private static ConfigAck rolledBack(String name, String hash, String why) {
        LOG.warn("{}: did not run the pushed config {}: {}", name, hash, why);
        return ConfigAck.rolledBack(hash, List.of(why));
    }

    private void rollBack(String name, DeviceConfig previous) {
        try {
            target.run(previous);
        } catch (Exception e) {
            LOG.error("{}: cannot go back to the previous config either; restart the agent", name, e);
        }
    }

    private static String utf8(byte[] payload) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(payload))
                .toString();
    }
}
