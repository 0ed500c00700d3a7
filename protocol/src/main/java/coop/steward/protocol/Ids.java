package coop.steward.protocol;

/** Site, device and sensor identifiers: matched exactly, never trimmed or lower-cased. */
public final class Ids {
    private static final int MAX_LENGTH = 64;
    /**
     * Not a device: {@code steward/v1/{site}/alerts/...} are the alerts' topics, and a device of that id would share
     * them, so an account allowed the alerts could send that device commands and configs.
     */
    public static final String ALERTS = "alerts";

    private Ids() {
    }

    /** {@code [a-z0-9][a-z0-9_-]{0,63}}, checked by hand: a regular expression per reading cost a few % of ingest. */
    public static boolean isValid(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH || !isLetterOrDigit(id.charAt(0))) {
            return false;
        }
        for (int i = 1; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!isLetterOrDigit(c) && c != '_' && c != '-') {
                return false;
            }
        }
        return true;
    }

    private static boolean isLetterOrDigit(char c) {
        return c >= 'a' && c <= 'z' || c >= '0' && c <= '9';
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
