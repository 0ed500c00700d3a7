package coop.steward.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects every problem of one configuration, so the person fixing it sees them all at once. */
public final class Problems {
    private final String source;
    private final List<ConfigError> errors = new ArrayList<>();

    public Problems(String source) {
        this.source = source;
    }

    public void add(int line, String field, String message) {
        errors.add(new ConfigError(source, line, field, message));
    }

    public int count() {
        return errors.size();
    }

    /** True when nothing was reported since {@code count} was {@code mark}: the values read since are usable. */
    public boolean noneSince(int mark) {
        return errors.size() == mark;
    }

    /** Sorted by line, the order in which a person reads the file. */
    public void throwIfAny() {
        if (!errors.isEmpty()) {
            List<ConfigError> sorted = new ArrayList<>(errors);
            sorted.sort(Comparator.comparingInt(ConfigError::line));
            throw new ConfigException(sorted);
        }
    }
}
