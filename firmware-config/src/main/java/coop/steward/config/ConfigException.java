package coop.steward.config;

import java.util.List;

/** A configuration that cannot be used; carries every problem found, not only the first. */
public class ConfigException extends RuntimeException {
    private final transient List<ConfigError> errors;

    public ConfigException(List<ConfigError> errors) {
        super(summary(errors));
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one error");
        }
        this.errors = List.copyOf(errors);
    }

    public List<ConfigError> errors() {
        return errors;
    }

    private static String summary(List<ConfigError> errors) {
        StringBuilder text = new StringBuilder();
        errors.forEach(error -> text.append(text.length() == 0 ? "" : System.lineSeparator()).append(error));
        return text.toString();
    }
}
