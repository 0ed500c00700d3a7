package coop.steward.protocol;

/**
 * Text from the network made safe to log: a topic, a command id, a config value or a piece of a payload. Anyone who
 * can publish to the broker chooses these characters, so a newline could forge a log line, a terminal escape could
 * rewrite the screen of whoever reads the log, a right-to-left override could reverse what they read, and a
 * megabyte could bury everything else. Such characters are written as a backslash, {@code u} and four hex digits
 * (as Java and JSON write them; a backslash itself as two, so that every escape in the output was made here), and
 * the text is cut.
 */
public final class Printable {
    /** Ends a text that was cut. */
    public static final char ELLIPSIS = '\u2026';

    private Printable() {
    }

    /**
     * {@code text} with every control, format, separator, surrogate, private-use or unassigned character escaped,
     * at most {@code max} characters long; a text that was longer ends in {@link #ELLIPSIS}. An escape is never cut
     * in two. Null gives {@code "null"}.
     */
    public static String cut(String text, int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, not " + max);
        }
        if (text == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), max) + 8);
        int roomForEllipsis = 0; // the length at the last character boundary that leaves room for the ellipsis
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            i += Character.charCount(codePoint);
            append(out, codePoint);
            if (out.length() > max) {
                out.setLength(roomForEllipsis);
                return out.append(ELLIPSIS).toString();
            }
            if (out.length() < max) {
                roomForEllipsis = out.length();
            }
        }
        return out.toString();
    }

    private static void append(StringBuilder out, int codePoint) {
        if (codePoint == '\\') {
            out.append("\\\\");
        } else if (printable(codePoint)) {
            out.appendCodePoint(codePoint);
        } else {
            for (char unit : Character.toChars(codePoint)) {
                out.append(String.format("\\u%04x", (int) unit));
            }
        }
    }

    private static boolean printable(int codePoint) {
        return switch (Character.getType(codePoint)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                    Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED -> false;
            default -> true;
        };
    }
}
