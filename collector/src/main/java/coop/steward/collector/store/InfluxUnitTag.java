package coop.steward.collector.store;

/**
 * A unit as the value of InfluxDB's {@code unit} tag. A tag value cannot end in a backslash, nor hold one before a
 * comma, space or equals sign, nor hold a line break (line protocol has no escape for them), and it cannot be
 * empty; the contract lets a user's own kind have any unit. So a unit with a backslash or a control character is
 * written percent-encoded behind {@link #MARK} (as is a unit that starts with the mark itself), and an empty unit
 * as no tag. Every unit of the contract's own kinds is written as it is, which is what people see in Grafana.
 */
final class InfluxUnitTag {
    static final String MARK = "%~";

    private InfluxUnitTag() {
    }

    /** The tag value, or null for no tag. */
    static String encode(String unit) {
        if (unit == null || unit.isEmpty()) {
            return null;
        }
        if (!unit.startsWith(MARK) && unit.chars().noneMatch(InfluxUnitTag::needsEncoding)) {
            return unit;
        }
        StringBuilder s = new StringBuilder(MARK);
        for (int i = 0; i < unit.length(); i++) {
            char c = unit.charAt(i);
            if (c == '%' || needsEncoding(c)) {
                s.append('%').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
            } else {
                s.append(c);
            }
        }
        return s.toString();
    }

    /** The unit a tag value stands for; no tag is the empty unit. */
    static String decode(String tag) {
        if (tag == null) {
            return "";
        }
        if (!tag.startsWith(MARK)) {
            return tag;
        }
        StringBuilder s = new StringBuilder();
        for (int i = MARK.length(); i < tag.length(); i++) {
            char c = tag.charAt(i);
            if (c == '%' && i + 2 < tag.length()) {
                s.append((char) Integer.parseInt(tag.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                s.append(c);
            }
        }
        return s.toString();
    }

    private static boolean needsEncoding(int c) {
        return c == '\\' || c < 0x20 || c == 0x7f;
    }
}
