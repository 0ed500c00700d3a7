package coop.steward.protocol;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The payload of {@code .../config/ack}: what a device did with a config pushed to it on {@code .../config}.
 *
 * @param outcome {@code applied}, {@code rejected} (invalid, or it changes what cannot be changed remotely;
 *                nothing was changed) or {@code rolled_back} (valid, but applying it failed; the device runs the
 *                config it had before)
 * @param errors  what was wrong, one sentence each; empty when applied
 * @param hash    {@link #hashOf} the pushed payload, so a sender can tell which push this answers
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ConfigAck(int v, String outcome, List<String> errors, String hash) {
    public static final String APPLIED = "applied";
    public static final String REJECTED = "rejected";
    public static final String ROLLED_BACK = "rolled_back";

    public ConfigAck {
        errors = errors == null ? List.of() : List.copyOf(errors);
    }

    public static ConfigAck applied(String hash) {
        return new ConfigAck(1, APPLIED, List.of(), hash);
    }

    public static ConfigAck rejected(String hash, List<String> errors) {
        return new ConfigAck(1, REJECTED, errors, hash);
    }

    public static ConfigAck rolledBack(String hash, List<String> errors) {
        return new ConfigAck(1, ROLLED_BACK, errors, hash);
    }

    /** SHA-256 of the config's bytes in lower-case hex: what {@code sha256sum FILE} prints for the pushed file. */
    public static String hashOf(byte[] config) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(config));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** Reads a {@code config/ack} payload; throws {@link IllegalArgumentException} naming what is wrong. */
    public static ConfigAck decode(byte[] payload) {
        try {
            ConfigAck ack = ProtocolJson.mapper().readValue(payload, ConfigAck.class);
            if (ack.v() != 1 || ack.outcome() == null || ack.hash() == null) {
                throw new IllegalArgumentException("config ack must have \"v\": 1, \"outcome\" and \"hash\"");
            }
            return ack;
        } catch (IOException e) {
            throw new IllegalArgumentException("config ack is not valid JSON: " + e.getMessage(), e);
        }
    }
}
