package coop.steward.config;

/**
 * One problem in a configuration file, where a person would look for it.
 *
 * @param file    the file's path or the name the configuration came from
 * @param line    1-based line of the offending key (or of its parent block when the key is missing);
 *                0 when the problem is with the file as a whole
 * @param field   the key's path, such as {@code sensors[1].kind}; empty when the problem is not one key
 * @param message a sentence saying what is wrong and what to do
 */
public record ConfigError(String file, int line, String field, String message) {

    /** {@code file:line: field: message}, leaving out the line or field when there is none. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(file);
        if (line > 0) {
            text.append(':').append(line);
        }
        text.append(": ");
        if (field != null && !field.isEmpty()) {
            text.append(field).append(": ");
        }
        return text.append(message).toString();
    }
}
