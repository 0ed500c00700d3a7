package coop.steward.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads YAML into a {@link YamlNode} tree with the parser's own line numbers. Jackson's streaming parser is used
 * rather than a data-binding mapper because the mapper forgets where each value came from.
 */
public final class YamlTreeReader {
    private static final YAMLFactory FACTORY = new YAMLFactory();

    private final YAMLParser parser;
    private final Problems problems;
    private final String whenEmpty;

    private YamlTreeReader(YAMLParser parser, Problems problems, String whenEmpty) {
        this.parser = parser;
        this.problems = problems;
        this.whenEmpty = whenEmpty;
    }

    /** The document's root, or null when there is none or it is not valid YAML (both reported). */
    static YamlNode read(String yaml, Problems problems) {
        return read(yaml, problems, "the file is empty; a device config needs at least site, device, mqtt and "
                + "sensors (see firmware-config/examples for a complete one)");
    }

    /**
     * The document's root, or null when it is not valid YAML (reported) or empty.
     *
     * @param whenEmpty the problem to report for an empty document, or null when an empty one is fine
     */
    public static YamlNode read(String yaml, Problems problems, String whenEmpty) {
        try (YAMLParser parser = FACTORY.createParser(yaml)) {
            return new YamlTreeReader(parser, problems, whenEmpty).document();
        } catch (JsonProcessingException e) {
            problems.add(syntaxLine(e), "", syntaxMessage(e));
            return null;
        } catch (IOException e) {
            // Reading from a String: only the syntax errors above can happen.
            throw new UncheckedIOException(e);
        }
    }

    private YamlNode document() throws IOException {
        JsonToken first = parser.nextToken();
        if (first == null) {
            if (whenEmpty != null) {
                problems.add(0, "", whenEmpty);
            }
            return null;
        }
        YamlNode root = value(first, "");
        if (parser.nextToken() != null) {
            problems.add(line(), "", "the file holds a second YAML document (after a '---' line); "
                    + "put each device in a file of its own");
        }
        return root;
    }

    private YamlNode value(JsonToken token, String path) throws IOException {
        int line = line();
        if (parser.isCurrentAlias()) {
            // Jackson hands an alias over as the anchor's name, which would silently become the value.
            problems.add(line, path, "YAML aliases (*name) are not supported; write the value out in full");
        }
        return switch (token) {
            case START_OBJECT -> mapping(line, path);
            case START_ARRAY -> sequence(line, path);
            default -> scalar(token, line);
        };
    }

    private YamlNode.Mapping mapping(int line, String path) throws IOException {
        Map<String, YamlNode.Entry> entries = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            int keyLine = line();
            String keyPath = path.isEmpty() ? key : path + "." + key;
            YamlNode value = value(parser.nextToken(), keyPath);
            YamlNode.Entry earlier = entries.get(key);
            if (earlier != null) {
                problems.add(keyLine, keyPath, "'" + key + "' is given twice, here and on line " + earlier.line()
                        + "; keep one of them");
            } else {
                entries.put(key, new YamlNode.Entry(key, keyLine, value));
            }
        }
        return new YamlNode.Mapping(line, entries);
    }

    private YamlNode.Sequence sequence(int line, String path) throws IOException {
        List<YamlNode> items = new ArrayList<>();
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            items.add(value(token, path + "[" + items.size() + "]"));
        }
        return new YamlNode.Sequence(line, items);
    }

    private YamlNode.Scalar scalar(JsonToken token, int line) throws IOException {
        String text = parser.getText();
        return switch (token) {
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> new YamlNode.Scalar(line, YamlNode.Scalar.Type.NUMBER, text,
                    number());
            case VALUE_TRUE, VALUE_FALSE -> new YamlNode.Scalar(line, YamlNode.Scalar.Type.BOOLEAN, text,
                    token == JsonToken.VALUE_TRUE);
            case VALUE_NULL -> new YamlNode.Scalar(line, YamlNode.Scalar.Type.NULL, "", null);
            default -> new YamlNode.Scalar(line, YamlNode.Scalar.Type.TEXT, text, text);
        };
    }

    private Number number() throws IOException {
        try {
            return parser.getNumberValue();
        } catch (JsonProcessingException e) {
            // .inf and .nan: YAML numbers, but never a usable setting; the range checks report them.
            return Double.NaN;
        }
    }

    private int line() {
        return parser.currentTokenLocation().getLineNr();
    }

    /**
     * SnakeYAML's problem mark is where the mistake is (a tab, say); Jackson's location can be the start of the
     * construct around it, a line or more earlier.
     */
    private static int syntaxLine(JsonProcessingException e) {
        if (e.getCause() instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
            return marked.getProblemMark().getLine() + 1;
        }
        return e.getLocation() == null ? 0 : e.getLocation().getLineNr();
    }

    private static String syntaxMessage(JsonProcessingException e) {
        // SnakeYAML's own problem is one phrase; the full message repeats the line with a caret under it.
        String problem = e.getCause() instanceof MarkedYAMLException marked && marked.getProblem() != null
                ? marked.getProblem()
                : e.getOriginalMessage();
        String firstLine = problem.strip().lines().findFirst().orElse("no details");
        return "this is not valid YAML (" + firstLine + "); check the indentation (spaces, never tabs), "
                + "the colons and the quotes on this line and the one before";
    }
}
