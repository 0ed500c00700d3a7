package coop.steward.collector.people;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id, with OWASP's smallest recommended cost (19 MiB, two passes, one lane), which a Raspberry Pi 4 hashes in
 * well under a second; written in the PHC string form other tools read: {@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}.
 */
final class PasswordHashing {
    private static final int MEMORY_KIB = 19 * 1024;
    private static final int PASSES = 2;
    private static final int LANES = 1;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getDecoder();

    private PasswordHashing() {
    }

    static String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        byte[] hash = argon2(password, salt, MEMORY_KIB, PASSES, LANES, HASH_BYTES);
        return "$argon2id$v=19$m=" + MEMORY_KIB + ",t=" + PASSES + ",p=" + LANES + "$" + ENCODER.encodeToString(salt)
                + "$" + ENCODER.encodeToString(hash);
    }

    /** False for a wrong password and for anything that is not an Argon2id PHC string. */
    static boolean matches(String password, String stored) {
        String[] parts = stored.split("\\$", -1);
        if (parts.length != 6 || !parts[1].equals("argon2id") || !parts[2].equals("v=19")) {
            return false;
        }
        try {
            int memory = 0;
            int passes = 0;
            int lanes = 0;
            for (String setting : parts[3].split(",")) {
                String[] pair = setting.split("=", 2);
                int value = Integer.parseInt(pair[1]);
                switch (pair[0]) {
                    case "m" -> memory = value;
                    case "t" -> passes = value;
                    case "p" -> lanes = value;
                    default -> {
                        return false;
                    }
                }
            }
            if (memory < 8 || memory > 1024 * 1024 || passes < 1 || passes > 10 || lanes < 1 || lanes > 8) {
                return false; // not ours, and not a cost to spend on a guess
            }
            byte[] salt = DECODER.decode(parts[4]);
            byte[] expected = DECODER.decode(parts[5]);
            return MessageDigest.isEqual(expected, argon2(password, salt, memory, passes, lanes, expected.length));
        } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            return false;
        }
    }

    private static byte[] argon2(String password, byte[] salt, int memory, int passes, int lanes, int length) {
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(
                Argon2Parameters.ARGON2_VERSION_13).withSalt(salt).withMemoryAsKB(memory).withIterations(passes)
                .withParallelism(lanes).build());
        byte[] out = new byte[length];
        generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        return out;
    }
}
