package coop.steward.launcher.broker;

/**
 * MQTT's topic names and filters: levels split by '/', '+' standing for one level and '#' for all that follow; a
 * topic that starts with '$' is matched only by a filter that names its first level.
 */
public final class TopicFilter {
    private static final int MAX_BYTES = 65_535;

    private TopicFilter() {
    }

    /** A name one may publish to: not empty, no wildcard, no NUL. */
    static boolean isValidTopic(String topic) {
        return !topic.isEmpty() && topic.length() <= MAX_BYTES && topic.indexOf('+') < 0 && topic.indexOf('#') < 0
                && topic.indexOf('\u0000') < 0;
    }

    /** A filter one may subscribe to: '+' and '#' each a whole level, '#' only last. */
    static boolean isValidFilter(String filter) {
        if (filter.isEmpty() || filter.length() > MAX_BYTES || filter.indexOf('\u0000') >= 0) {
            return false;
        }
        String[] levels = filter.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            if (level.contains("#") && (!level.equals("#") || i != levels.length - 1)) {
                return false;
            }
            if (level.contains("+") && !level.equals("+")) {
                return false;
            }
        }
        return true;
    }

    public static boolean matches(String filter, String topic) {
        if (topic.startsWith("$") && (filter.startsWith("+") || filter.startsWith("#"))) {
            return false;
        }
        String[] f = filter.split("/", -1);
        String[] t = topic.split("/", -1);
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals("#")) {
                return true;
            }
            if (i >= t.length || !f[i].equals("+") && !f[i].equals(t[i])) {
                return false;
            }
        }
        return f.length == t.length;
    }
}
