package coop.steward.launcher.identity;

import coop.steward.launcher.broker.TopicFilter;
import java.util.Locale;

/** One line of a Mosquitto ACL: what an account may do on the topics a filter matches. */
public record Permission(Access access, String filter) {
    /** Mosquitto's words for it. */
    public enum Access {
        READ, WRITE, READWRITE;

        String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Access of(String word) {
            return valueOf(word.toUpperCase(Locale.ROOT));
        }
    }

    static Permission read(String filter) {
        return new Permission(Access.READ, filter);
    }

    static Permission write(String filter) {
        return new Permission(Access.WRITE, filter);
    }

    static Permission readWrite(String filter) {
        return new Permission(Access.READWRITE, filter);
    }

    boolean allowsReading(String topic) {
        return access != Access.WRITE && TopicFilter.matches(filter, topic);
    }

    boolean allowsWriting(String topic) {
        return access != Access.READ && TopicFilter.matches(filter, topic);
    }
}
