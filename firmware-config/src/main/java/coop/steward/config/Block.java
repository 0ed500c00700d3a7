package coop.steward.config;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One block of keys in the file, read with every problem reported at its line and field: a value of the wrong
 * type, out of range, missing or unknown. Readers return null for a value that was reported, so a caller builds
 * its record only when {@link Problems#noneSince} says everything it read is usable.
 */
final class Block {
    /** Keys people are likely to add that belong elsewhere, with what to do instead. */
    private static final Map<String, String> MISPLACED = Map.of("password", "never write the password in the file: "
            + "put it in an environment variable on the device and give that variable's name as passwordEnv");

    private final YamlNode.Mapping mapping;
    private final int line;
    private final String path;
    private final Problems problems;

    private Block(YamlNode.Mapping mapping, int line, String path, Problems problems) {
        this.mapping = mapping;
        this.line = line;
        this.path = path;
        this.problems = problems;
    }

    /** The node as a block; a key written with no value ({@code publish:}) reads as an empty block. */
    static Block of(YamlNode node, String path, Problems problems) {
        return of(node, node.line(), path, problems);
    }

    /**
     * @param line where the block is said to be: the line of its key ({@code mqtt:}) rather than of its first
     *             entry, so that "url is missing" points at the block a person would add it to
     */
    private static Block of(YamlNode node, int line, String path, Problems problems) {
        if (node instanceof YamlNode.Mapping mapping) {
            return new Block(mapping, line, path, problems);
        }
        if (node instanceof YamlNode.Scalar scalar && scalar.type() == YamlNode.Scalar.Type.NULL) {
            return new Block(new YamlNode.Mapping(node.line(), Map.of()), line, path, problems);
        }
        problems.add(node.line(), path, (path.isEmpty() ? "the file" : "this") + " must be a block of keys "
                + "(key: value lines, indented below it), not " + node.describe());
        return null;
    }

    /** Reports every key but these, so a typo is never silently ignored. */
    Block allowOnly(String... keys) {
        List<String> known = Arrays.asList(keys);
        for (YamlNode.Entry entry : mapping.entries().values()) {
            String key = entry.key();
            if (!known.contains(key)) {
                String likely = Spelling.closest(key, known).map(k -> " (did you mean '" + k + "'?)").orElse("");
                String hint = MISPLACED.getOrDefault(key, "the keys " + where() + " are " + String.join(", ", known));
                problems.add(entry.line(), field(key), "'" + key + "' is not a known key" + likely + "; " + hint);
            }
        }
        return this;
    }

    int line() {
        return line;
    }

    String field(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** The key's line, or the block's own when the key is absent. */
    int lineOf(String key) {
        YamlNode.Entry entry = mapping.entries().get(key);
        return entry == null ? line() : entry.line();
    }

    /** The other keys as plain values, for a driver that reads its own options. */
    Map<String, Object> plainExcept(String... keys) {
        List<String> skipped = Arrays.asList(keys);
        Map<String, Object> plain = new LinkedHashMap<>();
        mapping.entries().forEach((key, entry) -> {
            if (!skipped.contains(key)) {
                plain.put(key, entry.value().toPlain());
            }
        });
        return plain;
    }

    boolean has(String key) {
        return mapping.entries().containsKey(key);
    }

    /** Reports a problem with this key's value, at the key's line. */
    void error(String key, String message) {
        problems.add(lineOf(key), field(key), message);
    }

    String text(String key) {
        return has(key) ? text(mapping.entries().get(key)) : null;
    }

    String requiredText(String key, String example) {
        return present(key, example) ? text(key) : null;
    }

    /** The number, {@code fallback} when the key is absent, or null when the value was wrong (reported). */
    Double decimal(String key, Range range, Double fallback) {
        if (!has(key)) {
            return fallback;
        }
        YamlNode.Scalar scalar = number(mapping.entries().get(key));
        if (scalar == null) {
            return null;
        }
        double value = scalar.number();
        if (!range.contains(value)) {
            error(key, outOfRange(scalar, "a number", range));
            return null;
        }
        return value;
    }

    Double requiredDecimal(String key, Range range, String example) {
        return present(key, example) ? decimal(key, range, null) : null;
    }

    Long whole(String key, Range range, Long fallback) {
        if (!has(key)) {
            return fallback;
        }
        YamlNode.Scalar scalar = number(mapping.entries().get(key));
        if (scalar == null) {
            return null;
        }
        if (!(scalar.value() instanceof Integer || scalar.value() instanceof Long)) {
            boolean fraction = scalar.number() != Math.rint(scalar.number());
            error(key, fraction ? "must be a whole number, not " + scalar.text()
                    : scalar.text() + " is too large; use a whole number of at most 18 digits");
            return null;
        }
        long value = ((Number) scalar.value()).longValue();
        if (!range.contains(value)) {
            error(key, outOfRange(scalar, "a whole number", range));
            return null;
        }
        return value;
    }

    /** A whole number that may also be written in hex ({@code 0x48}), as datasheets write chip addresses. */
    Long wholeOrHex(String key, Range range, Long fallback) {
        YamlNode.Entry entry = mapping.entries().get(key);
        if (entry != null && entry.value() instanceof YamlNode.Scalar scalar && scalar.type() == YamlNode.Scalar.Type.TEXT
                && scalar.text().strip().matches("0[xX][0-9a-fA-F]{1,8}")) {
            // YAML reads 0x48 as a number, but 0X48 (capital X) as text: both mean the same to a person.
            long value = Long.parseLong(scalar.text().strip().substring(2), 16);
            if (!range.contains(value)) {
                error(key, scalar.text() + " is out of range; use " + range.describe());
                return null;
            }
            return value;
        }
        return whole(key, range, fallback);
    }

    /** A yes/no value ({@code true}/{@code false}), {@code fallback} when absent, null when wrong (reported). */
    Boolean flag(String key, Boolean fallback) {
        if (!has(key)) {
            return fallback;
        }
        YamlNode value = mapping.entries().get(key).value();
        if (value instanceof YamlNode.Scalar scalar && scalar.type() == YamlNode.Scalar.Type.BOOLEAN) {
            return (Boolean) scalar.value();
        }
        error(key, "must be true or false, not " + value.describe());
        return null;
    }

    Boolean requiredFlag(String key, String example) {
        return present(key, example) ? flag(key, null) : null;
    }

    /** One of a few words, {@code fallback} when absent, null when another (reported). */
    String word(String key, List<String> words, String fallback) {
        String text = text(key);
        if (text == null) {
            return has(key) ? null : fallback;
        }
        if (!words.contains(text)) {
            String likely = Spelling.closest(text, words).map(w -> " (did you mean '" + w + "'?)").orElse("");
            error(key, "'" + text + "' is not one of " + String.join(", ", words) + likely);
            return null;
        }
        return text;
    }

    String requiredWord(String key, List<String> words, String example) {
        return present(key, example) ? word(key, words, null) : null;
    }

    /** The key's value as it is, or null when absent. */
    YamlNode node(String key) {
        YamlNode.Entry entry = mapping.entries().get(key);
        return entry == null ? null : entry.value();
    }

    /** An instant written as ISO-8601 in UTC ({@code 2026-10-24T00:00:00Z}); null when missing or wrong (reported). */
    Instant requiredInstant(String key, String example) {
        String text = requiredText(key, example);
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text.strip());
        } catch (DateTimeParseException e) {
            error(key, "'" + text + "' is not an instant; write it in UTC as " + example.substring(key.length() + 2));
            return null;
        }
    }

    Long requiredWhole(String key, Range range, String example) {
        return present(key, example) ? whole(key, range, null) : null;
    }

    /** Reports a problem with a part of this block that is not one of its keys, such as a list item. */
    void report(int line, String subField, String message) {
        problems.add(line, field(subField), message);
    }

    /** The key's block, or null when absent or not a block (reported). */
    Block block(String key) {
        YamlNode.Entry entry = mapping.entries().get(key);
        return entry == null ? null : Block.of(entry.value(), entry.line(), field(key), problems);
    }

    Block requiredBlock(String key, String example) {
        return present(key, example) ? block(key) : null;
    }

    /** The key's value as it is, or null when the key is missing (reported). */
    YamlNode requiredNode(String key, String example) {
        return present(key, example) ? mapping.entries().get(key).value() : null;
    }

    private boolean present(String key, String example) {
        if (has(key)) {
            return true;
        }
        problems.add(line(), field(key), "'" + key + "' is missing; add it " + where() + ", e.g. " + example);
        return false;
    }

    private String text(YamlNode.Entry entry) {
        if (!(entry.value() instanceof YamlNode.Scalar scalar)) {
            error(entry.key(), "must be a single value, not " + entry.value().describe());
            return null;
        }
        if (scalar.type() == YamlNode.Scalar.Type.NULL || scalar.text().isBlank()) {
            error(entry.key(), "has no value; give one or remove the key");
            return null;
        }
        return scalar.text();
    }

    private YamlNode.Scalar number(YamlNode.Entry entry) {
        YamlNode value = entry.value();
        if (value instanceof YamlNode.Scalar scalar && scalar.type() == YamlNode.Scalar.Type.NUMBER
                && scalar.text().strip().matches("[-+]?0[0-9]+")) {
            // YAML 1.1 reads a leading 0 as octal: "gpio: 017" would silently be GPIO 15.
            error(entry.key(), scalar.text() + " starts with 0, which YAML reads as an octal number ("
                    + Range.format(scalar.number()) + "); write it without the leading 0");
            return null;
        }
        if (value instanceof YamlNode.Scalar scalar && scalar.type() == YamlNode.Scalar.Type.NUMBER) {
            return scalar;
        }
        if (value instanceof YamlNode.Scalar scalar && scalar.type() == YamlNode.Scalar.Type.NULL) {
            error(entry.key(), "has no value; give a number or remove the key");
        } else if (value instanceof YamlNode.Scalar scalar && looksNumeric(scalar.text())) {
            error(entry.key(), "must be a number, not the text '" + scalar.text() + "'; remove the quotes");
        } else {
            error(entry.key(), "must be a number, not " + value.describe());
        }
        return null;
    }

    private static String outOfRange(YamlNode.Scalar scalar, String what, Range range) {
        String use = range.describe().isEmpty() ? what : what + " " + range.describe();
        if (!Double.isFinite(scalar.number())) {
            return scalar.text() + " is not a finite number; use " + use;
        }
        return scalar.text() + " is out of range; use " + use;
    }

    private static boolean looksNumeric(String text) {
        return text.strip().matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");
    }

    private String where() {
        return path.isEmpty() ? "at the top level" : "under " + path;
    }
}
