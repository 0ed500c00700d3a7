package coop.steward.protocol;

/**
 * Text that a client sent (a topic, a field's value, a parser's complaint about it), made fit to show a person: a
 * hostile client may send 256 KiB of it, or characters that rewrite a terminal or turn a line around (U+202E).
 * Control, formatting, separator and unassigned characters and lone surrogates are written as {@code \}{@code uXXXX},
 * and the text is cut, with an ellipsis, to at most a given number of UTF-16 characters.
 */
public final class Untrusted {
    /** Where a quoted value is cut inside a sentence: enough to recognise it, short enough to read the sentence. */
    public static final int QUOTED = 80;
    /** Where a parser's complaint about the payload, which quotes some of it, is cut inside a sentence. */
    public static final int COMPLAINT = 200;
    /** Where a topic is cut inside a sentence: every valid Steward topic (at most 150 characters) fits whole. */
    public static final int TOPIC = 160;
    public static final char ELLIPSIS = '\u2026';

    private Untrusted() {
    }

    /** The text, escaped, in at most {@code max} characters; the last is an ellipsis when it was cut. */
    public static String cut(String text, int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, got " + max);
        }
        if (text == null) {
            return null;
        }
        if (text.length() <= max && isPlain(text)) {
            return text; // the usual case, with nothing to copy
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), max));
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int next = i + Character.charCount(cp);
            String piece = needsEscape(cp) ? escaped(cp) : text.substring(i, next);
            boolean last = next >= text.length();
            // Room for the ellipsis is kept unless this is the last piece and it fits exactly.
            if (out.length() + piece.length() > (last ? max : max - 1)) {
                return out.append(ELLIPSIS).toString();
            }
            out.append(piece);
            i = next;
        }
        return out.toString();
    }

    /** A value quoted in a sentence: cut to {@link #QUOTED}. */
    public static String quote(Object value) {
        return cut(String.valueOf(value), QUOTED);
    }

    /** A parser's complaint about a payload, as part of a sentence: cut to {@link #COMPLAINT}. */
    public static String complaint(String message) {
        return cut(String.valueOf(message), COMPLAINT);
    }

    /** A topic named in a sentence: cut to {@link #TOPIC}. */
    public static String topic(String topic) {
        return cut(topic, TOPIC);
    }

    private static boolean isPlain(String text) {
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            // Printable ASCII needs no look-up, and is nearly everything a well-behaved client sends.
            if ((cp < 0x20 || cp > 0x7E) && needsEscape(cp)) {
                return false;
            }
            i += Character.charCount(cp);
        }
        return true;
    }

    /** As Java and JSON write it: one escape per UTF-16 unit, so a character beyond U+FFFF takes two. */
    private static String escaped(int cp) {
        StringBuilder escape = new StringBuilder(12);
        for (char unit : Character.toChars(cp)) {
            escape.append(String.format("\\u%04X", (int) unit));
        }
        return escape.toString();
    }

    private static boolean needsEscape(int cp) {
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                 Character.SURROGATE, Character.UNASSIGNED -> true;
            default -> false;
        };
    }
}
