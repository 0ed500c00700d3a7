package coop.steward.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document as a tree that remembers the line of every key and value, for error messages. Public so that
 * other modules (the collector's configuration) read their YAML the same way.
 */
public sealed interface YamlNode {

    int line();

    /** What a person sees in the file, for messages such as "must be a number, not a list". */
    String describe();

    /** Strings, numbers, booleans, lists and maps, for options that a driver reads later. */
    Object toPlain();

    record Entry(String key, int line, YamlNode value) {
    }

    record Mapping(int line, Map<String, Entry> entries) implements YamlNode {
        @Override
        public String describe() {
            return "a block of keys";
        }

        @Override
        public Object toPlain() {
            Map<String, Object> plain = new LinkedHashMap<>();
            entries.forEach((key, entry) -> plain.put(key, entry.value().toPlain()));
            return plain;
        }
    }

    record Sequence(int line, List<YamlNode> items) implements YamlNode {
        @Override
        public String describe() {
            return "a list";
        }

        @Override
        public Object toPlain() {
            List<Object> plain = new ArrayList<>();
            items.forEach(item -> plain.add(item.toPlain()));
            return plain;
        }
    }

    /**
     * A single value. {@code text} is exactly as written (without quotes), so an id such as {@code 007} or
     * {@code on} stays what the person typed. {@code value} is what YAML makes of it: a String, a Number (unquoted
     * numbers only; NaN for one that Java cannot read, such as {@code .inf}), a Boolean or null.
     */
    record Scalar(int line, Type type, String text, Object value) implements YamlNode {
        public enum Type { TEXT, NUMBER, BOOLEAN, NULL }

        public double number() {
            return ((Number) value).doubleValue();
        }

        @Override
        public String describe() {
            return switch (type) {
                case TEXT -> "the text '" + text + "'";
                case NUMBER -> text;
                case BOOLEAN -> "'" + text + "' (a yes/no value)";
                case NULL -> "nothing";
            };
        }

        @Override
        public Object toPlain() {
            return value;
        }
    }
}
