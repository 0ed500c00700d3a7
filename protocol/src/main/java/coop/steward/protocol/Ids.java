package coop.steward.protocol;

import java.util.regex.Pattern;

/** Site, device and sensor identifiers: matched exactly, never trimmed or lower-cased. */
public final class Ids {
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    private Ids() {
    }

    public static boolean isValid(String id) {
        return id != null && ID.matcher(id).matches();
    }

    /** For trusted input (our own configuration and code): throws with a sentence naming the field. */
    public static String require(String field, String id) {
        if (!isValid(id)) {
            throw new IllegalArgumentException(field + " '" + id + "' is not a valid id: use 1 to 64 characters "
                    + "of a-z, 0-9, '_' and '-', starting with a letter or digit");
        }
        return id;
    }

    public static String describeRule() {
        return "1 to 64 characters of a-z, 0-9, '_' and '-', starting with a letter or digit";
    }
}
