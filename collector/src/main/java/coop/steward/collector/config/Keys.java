package coop.steward.collector.config;

import coop.steward.config.Problems;
import coop.steward.config.Spelling;
import coop.steward.config.YamlNode;
import coop.steward.protocol.Ids;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One block of keys of the collector's configuration, read with every problem reported at its line and field.
 * Readers return null (or the empty value) for a value that was reported, so a caller builds its record only when
 * {@link Problems#noneSince} says everything it read is usable.
 */
final class Keys {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,6})\\s*(s|m|h|d)");

    private final YamlNode.Mapping mapping;
    private final int line;
    private final String path;
    private final Problems problems;

    private Keys(YamlNode.Mapping mapping, int line, String path, Problems problems) {
        this.mapping = mapping;
        this.line = line;
        this.path = path;
        this.problems = problems;
    }

    /** The node as a block of keys; a key written with no value reads as an empty block; null when reported. */
    static Keys of(YamlNode node, int line, String path, Problems problems) {
        if (node instanceof YamlNode.Mapping mapping) {
            return new Keys(mapping, line, path, problems);
        }
        if (node instanceof YamlNode.Scalar scalar && scalar.type() == YamlNode.Scalar.Type.NULL) {
            return new Keys(new YamlNode.Mapping(node.line(), Map.of()), line, path, problems);
        }
        problems.add(node.line(), path, (path.isEmpty() ? "the file" : "this") + " must be a block of keys "
                + "(key: value lines, indented below it), not " + node.describe());
        return null;
    }

    Problems problems() {
        return problems;
    }

    int line() {
        return line;
    }

    String path() {
        return path;
    }

    /** Reports every key but these, so a typo is never silently ignored. */
    Keys allowOnly(String... keys) {
        List<String> known = Arrays.asList(keys);
        for (YamlNode.Entry entry : mapping.entries().values()) {
            if (!known.contains(entry.key())) {
                String likely = Spelling.closest(entry.key(), known).map(k -> " (did you mean '" + k + "'?)")
                        .orElse("");
                problems.add(entry.line(), field(entry.key()), "'" + entry.key() + "' is not a known key" + likely
                        + "; the keys " + where() + " are " + String.join(", ", known));
            }
        }
        return this;
    }

    boolean has(String key) {
        return mapping.entries().containsKey(key);
    }

    String field(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    int lineOf(String key) {
        YamlNode.Entry entry = mapping.entries().get(key);
        return entry == null ? line : entry.line();
    }

    void error(String key, String message) {
        problems.add(lineOf(key), field(key), message);
    }

    /** Reports a missing key; true when it is there. */
    boolean require(String key, String example) {
        if (has(key)) {
            return true;
        }
        problems.add(line, field(key), "'" + key + "' is missing; add it " + where() + ", e.g. " + example);
        return false;
    }

    String text(String key, String fallback) {
        if (!has(key)) {
            return fallback;
        }
        YamlNode.Scalar scalar = scalar(key);
        if (scalar == null) {
            return null;
        }
        if (scalar.type() == YamlNode.Scalar.Type.NULL || scalar.text().isBlank()) {
            error(key, "has no value; give one or remove the key");
            return null;
        }
        return scalar.text();
    }

    /** An id of the contract ({@code ^[a-z0-9][a-z0-9_-]{0,63}$}), or null when absent or wrong (reported). */
    String id(String key) {
        String text = text(key, null);
        if (text != null && !Ids.isValid(text)) {
            error(key, "'" + text + "' is not a valid id: use 1 to 64 lower-case letters, digits, '_' or '-', "
                    + "starting with a letter or digit");
            return null;
        }
        return text;
    }

    /**
     * A number from {@code min} to {@code max} (inclusive), {@code fallback} when absent, or null when wrong
     * (reported).
     */
    Double number(String key, double min, double max, Double fallback) {
        if (!has(key)) {
            return fallback;
        }
        YamlNode node = mapping.entries().get(key).value();
        if (!(node instanceof YamlNode.Scalar scalar) || scalar.type() != YamlNode.Scalar.Type.NUMBER) {
            boolean quoted = node instanceof YamlNode.Scalar s && s.type() == YamlNode.Scalar.Type.TEXT
                    && s.text().strip().matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)");
            error(key, quoted ? "must be a number, not the text '" + ((YamlNode.Scalar) node).text()
                    + "'; remove the quotes" : "must be a number, not " + node.describe());
            return null;
        }
        double value = scalar.number();
        if (!Double.isFinite(value) || value < min || value > max) {
            error(key, scalar.text() + " is out of range; use a number from " + format(min) + " to " + format(max));
            return null;
        }
        return value;
    }

    /** A whole number from {@code min} to {@code max}, {@code fallback} when absent, or null when wrong (reported). */
    Integer whole(String key, int min, int max, Integer fallback) {
        Double value = number(key, min, max, fallback == null ? null : fallback.doubleValue());
        if (value == null) {
            return null;
        }
        if (value != Math.rint(value)) {
            error(key, "must be a whole number, not " + format(value));
            return null;
        }
        return value.intValue();
    }

    /** A duration written as 90s, 30m, 2h or 1d (0 for none), {@code fallback} when absent, null when wrong. */
    Duration duration(String key, Duration max, Duration fallback) {
        if (!has(key)) {
            return fallback;
        }
        YamlNode.Scalar scalar = scalar(key);
        if (scalar == null) {
            return null;
        }
        String text = scalar.text().strip();
        if ("0".equals(text)) {
            return Duration.ZERO;
        }
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            error(key, "'" + text + "' is not a duration; write a whole number and a unit, e.g. 90s, 30m, 2h or 1d");
            return null;
        }
        long amount = Long.parseLong(m.group(1));
        Duration value = switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
        if (value.compareTo(max) > 0) {
            error(key, text + " is too long; use at most " + max.toHours() + "h");
            return null;
        }
        return value;
    }

    /** A severity (info, warning or critical), {@code fallback} when absent, null when wrong (reported). */
    Severity severity(String key, Severity fallback) {
        String text = text(key, null);
        if (text == null) {
            return has(key) ? null : fallback;
        }
        try {
            return Severity.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            error(key, "'" + text + "' is not a severity; use info, warning or critical");
            return null;
        }
    }

    Boolean bool(String key, Boolean fallback) {
        if (!has(key)) {
            return fallback;
        }
        YamlNode.Scalar scalar = scalar(key);
        if (scalar == null) {
            return null;
        }
        if (scalar.type() != YamlNode.Scalar.Type.BOOLEAN) {
            error(key, "must be true or false, not " + scalar.describe());
            return null;
        }
        return (Boolean) scalar.value();
    }

    /** A list of ids ({@code [a, b]}, or one id on its own); empty when absent; null when wrong (reported). */
    Set<String> ids(String key) {
        if (!has(key)) {
            return Set.of();
        }
        List<YamlNode.Scalar> items = scalars(key);
        if (items == null) {
            return null;
        }
        Set<String> ids = new LinkedHashSet<>();
        boolean ok = true;
        for (YamlNode.Scalar item : items) {
            if (!Ids.isValid(item.text())) {
                problems.add(item.line(), field(key), "'" + item.text() + "' is not a valid id: use 1 to 64 "
                        + "lower-case letters, digits, '_' or '-', starting with a letter or digit");
                ok = false;
            }
            ids.add(item.text());
        }
        return ok ? Set.copyOf(ids) : null;
    }

    /** A list of single values, or one value on its own; null when absent or wrong (reported). */
    List<YamlNode.Scalar> scalars(String key) {
        YamlNode node = mapping.entries().get(key).value();
        List<YamlNode> items = node instanceof YamlNode.Sequence sequence ? sequence.items() : List.of(node);
        List<YamlNode.Scalar> scalars = new ArrayList<>();
        for (YamlNode item : items) {
            if (!(item instanceof YamlNode.Scalar scalar) || scalar.type() == YamlNode.Scalar.Type.NULL) {
                problems.add(item.line(), field(key), "must be a list of single values such as [a, b], but holds "
                        + item.describe());
                return null;
            }
            scalars.add(scalar);
        }
        return scalars;
    }

    /** The items of a list, or null when absent or not a list (reported). */
    List<YamlNode> list(String key) {
        if (!has(key)) {
            return null;
        }
        YamlNode node = mapping.entries().get(key).value();
        if (node instanceof YamlNode.Scalar scalar && scalar.type() == YamlNode.Scalar.Type.NULL) {
            return List.of();
        }
        if (!(node instanceof YamlNode.Sequence sequence)) {
            error(key, "must be a list (lines starting with '- ' below it), not " + node.describe());
            return null;
        }
        return sequence.items();
    }

    /** The key's block, or null when absent or not a block (reported). */
    Keys block(String key) {
        YamlNode.Entry entry = mapping.entries().get(key);
        return entry == null ? null : of(entry.value(), entry.line(), field(key), problems);
    }

    Map<String, YamlNode.Entry> entries() {
        return mapping.entries();
    }

    private YamlNode.Scalar scalar(String key) {
        YamlNode node = mapping.entries().get(key).value();
        if (node instanceof YamlNode.Scalar scalar) {
            return scalar;
        }
        error(key, "must be a single value, not " + node.describe());
        return null;
    }

    private String where() {
        return path.isEmpty() ? "at the top level" : "under " + path;
    }

    static String format(double value) {
        return value == Math.rint(value) && Double.isFinite(value) ? Long.toString((long) value)
                : Double.toString(value);
    }
}
