package coop.steward.protocol;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Reads the messages that are nearly all of ingest straight from their bytes: ASCII JSON with the contract's members
 * only, and every reading valid. On Jackson's streaming parser, decoding them was half of the collector's event loop.
 * It decides nothing on its own. Anything else gives it up: an escape, a byte above 0x7F, a member it does not know
 * or meets twice, a number it cannot read exactly, a reading that is not valid, any syntax error. The payload then goes
 * to {@link ReadingsDecoder}'s full reading, which finds what is wrong and says so. What this accepts, the full
 * reading accepts with the same readings: {@code PlainReadingsTest} compares the two. Not thread-safe: one per message.
 */
final class PlainReadings {
    private static final int V = 1;
    private static final int DEVICE = 2;
    private static final int SEQ = 4;
    private static final int READINGS = 8;
    private static final int SENSOR = 1;
    private static final int KIND = 2;
    private static final int UNIT = 4;
    private static final int VALUE = 8;
    private static final int T = 16;
    /** Each list's names begin with different letters: {@link #member} tells them apart by it. */
    private static final byte[][] MESSAGE_MEMBERS = names("v", "device", "seq", "readings");
    private static final byte[][] READING_MEMBERS = names("sensor", "kind", "unit", "value", "t");
    /** Powers of ten that a double holds exactly: a mantissa up to 2^53 times or over one of them is rounded once. */
    private static final double[] EXACT_POWERS = new double[23];
    /**
     * The longest number taken, in bytes: Jackson refuses a number of more than 1,000 digits, and no sender needs
     * more than a few dozen.
     */
    private static final int MAX_NUMBER_BYTES = 64;
    /** Digits of a number read whole as a long; longer ones are read from their text, or by the full reading. */
    private static final int MAX_DIGITS = 18;
    /** The largest integer below which every integer is a double: a mantissa up to it is exact. */
    private static final long EXACT_MANTISSA = 1L << 53;
    private static final int KEPT_TEXTS = 16;
    /** Eight bytes of the payload at once, the first in the lowest byte: eight digits are read as one long. */
    private static final VarHandle EIGHT_BYTES = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);

    static {
        double power = 1;
        for (int i = 0; i < EXACT_POWERS.length; i++) {
            EXACT_POWERS[i] = power;
            power *= 10;
        }
    }

    /** Thrown when the payload is not plain: the full reading takes it. */
    private static final class NotPlain extends RuntimeException {
        private static final NotPlain INSTANCE = new NotPlain();

        private NotPlain() {
            super(null, null, false, false);
        }
    }

    private final byte[] in;
    private final long latestT;
    private int at;
    /** The last number read: whether it had neither fraction nor exponent, then as a long, and as a double. */
    private boolean integral;
    private long integer;
    private double number;
    /** The last string read, as offsets into {@link #in}. */
    private int textStart;
    private int textEnd;
    private int textHash;
    /** A message's readings repeat a few sensors, kinds and units: each is made into a string once. */
    private final String[] texts = new String[KEPT_TEXTS];
    private final int[] textStarts = new int[KEPT_TEXTS];
    private final int[] textEnds = new int[KEPT_TEXTS];
    private final int[] textHashes = new int[KEPT_TEXTS];
    private final Kind[] kinds = new Kind[KEPT_TEXTS];
    /** Whether each kept text is a valid id, once it was checked: a message names each sensor many times. */
    private final boolean[] validIds = new boolean[KEPT_TEXTS];
    private int kept;
    /**
     * The kept texts of the last reading's kind and unit, tried first: a message names one kind, or a few, reading
     * after reading, and a kind has one unit. -1 until there is one.
     */
    private int lastKind = -1;
    private int lastUnit = -1;

    private PlainReadings(byte[] in, long now) {
        this.in = in;
        this.latestT = now + ReadingsDecoder.MAX_FUTURE.toMillis();
    }

    /**
     * The message's readings, all of them valid, or null when it is not plain and needs the full reading. The topic's
     * ids must be valid already, and the payload within the contract's size.
     */
    static DecodedReadings read(String site, String device, byte[] payload, long now) {
        try {
            return new PlainReadings(payload, now).message(site, device);
        } catch (NotPlain | ArrayIndexOutOfBoundsException e) {
            // Reading past the last byte is a payload that ends too soon: not plain either.
            return null;
        }
    }

    private DecodedReadings message(String site, String device) {
        expect('{');
        int members = 0;
        long seq = -1;
        List<Reading> readings = null;
        do {
            int member = member(MESSAGE_MEMBERS, members);
            members |= member;
            switch (member) {
                case V -> {
                    readNumber();
                    if (!integral || integer != ReadingsMessage.VERSION) {
                        throw NotPlain.INSTANCE;
                    }
                }
                case DEVICE -> {
                    readString();
                    if (!sameText(device)) {
                        throw NotPlain.INSTANCE;
                    }
                }
                case SEQ -> {
                    readNumber();
                    if (!integral || integer < 0) {
                        throw NotPlain.INSTANCE;
                    }
                    seq = integer;
                }
                default -> readings = readings();
            }
        } while (next('}'));
        skipSpace();
        if (at != in.length || members != (V | DEVICE | SEQ | READINGS)) {
            throw NotPlain.INSTANCE;
        }
        return new DecodedReadings(site, device, OptionalLong.of(seq), readings, List.of());
    }

    private List<Reading> readings() {
        expect('[');
        List<Reading> readings = new ArrayList<>();
        do {
            if (readings.size() == ReadingsMessage.MAX_READINGS) {
                throw NotPlain.INSTANCE;
            }
            readings.add(reading());
        } while (next(']'));
        return readings;
    }

    private Reading reading() {
        expect('{');
        int members = 0;
        String sensor = null;
        Kind kind = null;
        String unit = null;
        double value = 0;
        long t = 0;
        do {
            int member = member(READING_MEMBERS, members);
            members |= member;
            switch (member) {
                case SENSOR -> {
                    readString();
                    sensor = keptId();
                }
                case KIND -> kind = readKind();
                case UNIT -> unit = readUnit();
                case VALUE -> {
                    readNumber();
                    value = number;
                }
                default -> {
                    readNumber();
                    if (!integral) {
                        throw NotPlain.INSTANCE;
                    }
                    t = integer;
                }
            }
        } while (next('}'));
        if ((members & (SENSOR | KIND | VALUE | T)) != (SENSOR | KIND | VALUE | T)
                || unit != null && !kind.acceptsUnit(unit)
                || !Double.isFinite(value) || !kind.accepts(value)
                || t < ReadingsDecoder.EARLIEST_T || t > latestT) {
            throw NotPlain.INSTANCE;
        }
        // A standard kind's unit is its own string, one in memory instead of one per reading (as the full reading).
        return new Reading(sensor, kind.name(), t, value, unit == null || kind.isUserKind() ? unit : kind.unit());
    }

    /**
     * Reads {@code "name":} and returns the member's bit; not plain for a name it does not know or has seen. Names are
     * told apart by their first byte and then compared whole, in one pass. Where an object may close, it has closed
     * after its first member ({@link #next}): an empty object is not plain either.
     */
    private int member(byte[][] names, int seen) {
        byte[] bytes = in;
        int i = at;
        if (bytes[i] != '"') {
            throw NotPlain.INSTANCE;
        }
        byte first = bytes[i + 1];
        for (int n = 0; n < names.length; n++) {
            byte[] name = names[n];
            if (name[0] == first) {
                if (!same(name, 0, i + 1, name.length) || bytes[i + 1 + name.length] != '"') {
                    throw NotPlain.INSTANCE;
                }
                int bit = 1 << n;
                if ((seen & bit) != 0) {
                    throw NotPlain.INSTANCE;
                }
                at = i + name.length + 2;
                expect(':');
                return bit;
            }
        }
        throw NotPlain.INSTANCE;
    }

    /** After a member or an element: true for a comma (another follows), false for the closing byte. */
    private boolean next(char close) {
        skipSpace();
        byte b = in[at++];
        if (b == ',') {
            skipSpace();
            return true;
        }
        if (b == close) {
            return false;
        }
        throw NotPlain.INSTANCE;
    }

    private void expect(char c) {
        skipSpace();
        if (in[at++] != c) {
            throw NotPlain.INSTANCE;
        }
        skipSpace();
    }

    /** JSON's whitespace: space, tab, line feed and carriage return. */
    private void skipSpace() {
        byte[] bytes = in;
        int i = at;
        while (i < bytes.length) {
            byte b = bytes[i];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                break;
            }
            i++;
        }
        at = i;
    }

    /**
     * A string of printable ASCII without escapes, between {@link #textStart} and {@link #textEnd}, with its
     * {@link #textHash}: the texts kept are told apart by their hashes first.
     */
    private void readString() {
        byte[] bytes = in;
        int i = at;
        if (bytes[i++] != '"') {
            throw NotPlain.INSTANCE;
        }
        int start = i;
        int hash = 0;
        byte b;
        while ((b = bytes[i]) != '"') {
            if (b < 0x20 || b == '\\') { // a control character, a byte above 0x7F (negative), or an escape
                throw NotPlain.INSTANCE;
            }
            hash = 31 * hash + b;
            i++;
        }
        textStart = start;
        textEnd = i;
        textHash = hash;
        at = i + 1;
    }

    /** A unit, or null for {@code null}. */
    private String readUnit() {
        if (in[at] == 'n') {
            if (in[at + 1] != 'u' || in[at + 2] != 'l' || in[at + 3] != 'l') {
                throw NotPlain.INSTANCE;
            }
            at += 4;
            return null;
        }
        if (lastUnit >= 0 && keptTextIsNext(lastUnit)) {
            return texts[lastUnit];
        }
        readString();
        int i = kept();
        if (i >= 0) {
            lastUnit = i;
        }
        return text(i);
    }

    /**
     * Whether the string that starts at {@link #at} is kept text {@code i}, quotes and all, and then moves past it.
     * Bytes equal to a text read before are as plain as it was.
     */
    private boolean keptTextIsNext(int i) {
        int length = textEnds[i] - textStarts[i];
        int end = at + 1 + length;
        if (end >= in.length || in[at] != '"' || in[end] != '"' || !same(in, textStarts[i], at + 1, length)) {
            return false;
        }
        at = end + 1;
        return true;
    }

    /**
     * Whether {@code length} bytes of {@code a} from {@code from} are those of the payload from {@code at}: a loop by
     * hand, since the names and ids compared are a few bytes long, where {@link java.util.Arrays#equals} cost more
     * to set up than to compare.
     */
    private boolean same(byte[] a, int from, int at, int length) {
        for (int i = 0; i < length; i++) {
            if (a[from + i] != in[at + i]) {
                return false;
            }
        }
        return true;
    }

    private boolean sameText(String text) {
        if (text.length() != textEnd - textStart) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) != in[textStart + i]) {
                return false;
            }
        }
        return true;
    }

    /** The index of the kept text equal to the last string read; a new one is kept while there is room. */
    private int kept() {
        int length = textEnd - textStart;
        for (int i = 0; i < kept; i++) {
            if (textHashes[i] == textHash && textEnds[i] - textStarts[i] == length
                    && same(in, textStarts[i], textStart, length)) {
                return i;
            }
        }
        if (kept == KEPT_TEXTS) {
            return -1;
        }
        texts[kept] = new String(in, textStart, length, StandardCharsets.ISO_8859_1);
        textStarts[kept] = textStart;
        textEnds[kept] = textEnd;
        textHashes[kept] = textHash;
        return kept++;
    }

    /** The kept text {@code i}, or the last string read made anew when it was not kept ({@code i} below 0). */
    private String text(int i) {
        return i < 0 ? new String(in, textStart, textEnd - textStart, StandardCharsets.ISO_8859_1) : texts[i];
    }

    /** The last string read, a valid id (not plain otherwise), checked once for each text kept. */
    private String keptId() {
        int i = kept();
        if (i >= 0 && validIds[i]) {
            return texts[i];
        }
        String id = text(i);
        if (!Ids.isValid(id)) {
            throw NotPlain.INSTANCE;
        }
        if (i >= 0) {
            validIds[i] = true;
        }
        return id;
    }

    private Kind readKind() {
        if (lastKind >= 0 && keptTextIsNext(lastKind)) {
            return kinds[lastKind];
        }
        readString();
        int i = kept();
        if (i >= 0 && kinds[i] != null) {
            lastKind = i;
            return kinds[i];
        }
        String name = text(i);
        Kind kind = Kind.lookup(name).orElseThrow(() -> NotPlain.INSTANCE);
        if (i >= 0) {
            kinds[i] = kind;
            lastKind = i;
        }
        return kind;
    }

    /**
     * A JSON number. One without fraction or exponent is {@link #integral}, in {@link #integer}, and its double is that
     * long's, as Jackson's integer nodes give it. Any other is the double nearest its text, as Java and Jackson read
     * it: a mantissa of at most 2^53 times or divided by an exact power of ten is rounded once, and so exactly; the
     * rest are read from their text by {@link Double#parseDouble}. An integer of more than 18 digits is not plain.
     */
    private void readNumber() {
        // In locals, not the fields: a loop that moves a field writes it back at every byte.
        byte[] bytes = in;
        int i = at;
        int start = i;
        boolean negative = bytes[i] == '-';
        if (negative) {
            i++;
        }
        long mantissa = 0;
        int digits = 0;
        int scale = 0;
        boolean exact = true;
        if (bytes[i] == '0') {
            i++;
            if (isDigit(bytes[i])) {
                throw NotPlain.INSTANCE; // a leading zero, which JSON does not allow
            }
        } else if (isDigit(bytes[i])) {
            // A time in milliseconds has 13 digits: its first eight are read at once.
            long eight = i + 8 <= bytes.length ? eightDigits(bytes, i) : -1;
            if (eight >= 0) {
                mantissa = eight;
                digits = 8;
                i += 8;
            }
            while (isDigit(bytes[i])) {
                if (++digits > MAX_DIGITS) {
                    exact = false;
                } else {
                    mantissa = mantissa * 10 + (bytes[i] - '0');
                }
                i++;
            }
        } else {
            throw NotPlain.INSTANCE;
        }
        byte b = bytes[i];
        integral = b != '.' && b != 'e' && b != 'E';
        if (integral) {
            if (!exact) {
                throw NotPlain.INSTANCE;
            }
            at = i;
            integer = negative ? -mantissa : mantissa;
            number = integer;
            return;
        }
        if (b == '.') {
            i++;
            if (!isDigit(bytes[i])) {
                throw NotPlain.INSTANCE;
            }
            while (isDigit(bytes[i])) {
                if (++digits > MAX_DIGITS) {
                    exact = false;
                } else {
                    mantissa = mantissa * 10 + (bytes[i] - '0');
                    scale--;
                }
                i++;
            }
            b = bytes[i];
        }
        if (b == 'e' || b == 'E') {
            i++;
            boolean negativeExponent = bytes[i] == '-';
            if (negativeExponent || bytes[i] == '+') {
                i++;
            }
            if (!isDigit(bytes[i])) {
                throw NotPlain.INSTANCE;
            }
            int exponent = 0;
            while (isDigit(bytes[i])) {
                exponent = Math.min(exponent * 10 + (bytes[i] - '0'), 100_000);
                i++;
            }
            scale += negativeExponent ? -exponent : exponent;
        }
        at = i;
        if (i - start > MAX_NUMBER_BYTES) {
            throw NotPlain.INSTANCE;
        }
        if (exact && mantissa <= EXACT_MANTISSA && scale >= -22 && scale <= 22) {
            double magnitude = scale < 0 ? mantissa / EXACT_POWERS[-scale] : mantissa * EXACT_POWERS[scale];
            number = negative ? -magnitude : magnitude;
        } else {
            number = Double.parseDouble(new String(bytes, start, i - start, StandardCharsets.ISO_8859_1));
        }
    }

    /**
     * The eight ASCII digits from {@code i} as a number, or -1 when they are not all digits. Each byte is a digit when
     * its high nibble is 3 and adding 6 leaves it 3 (0x3A to 0x3F would carry into it); the digits are then combined
     * pairwise, as simdjson's parse_eight_digits_unrolled does.
     */
    static long eightDigits(byte[] bytes, int i) {
        long v = (long) EIGHT_BYTES.get(bytes, i);
        if ((v & 0xF0F0F0F0F0F0F0F0L) != 0x3030303030303030L
                || ((v + 0x0606060606060606L) & 0xF0F0F0F0F0F0F0F0L) != 0x3030303030303030L) {
            return -1;
        }
        v = ((v & 0x0F0F0F0F0F0F0F0FL) * 2561) >>> 8;
        v = ((v & 0x00FF00FF00FF00FFL) * 6553601) >>> 16;
        return ((v & 0x0000FFFF0000FFFFL) * 42949672960001L) >>> 32;
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static byte[][] names(String... names) {
        byte[][] bytes = new byte[names.length][];
        for (int i = 0; i < names.length; i++) {
            bytes[i] = names[i].getBytes(StandardCharsets.US_ASCII);
        }
        return bytes;
    }
}
