package coop.steward.protocol;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * Decodes wire data on {@code .../readings} into valid readings and rejections. Never throws: one bad payload
 * must never stop a consumer. A message is read first by {@link PlainReadings}, which takes the usual one (every
 * reading valid) straight from its bytes; any other is read in full here, on Jackson's streaming parser.
 */
public final class ReadingsDecoder {
    /** Readings before 2000-01-01T00:00:00Z are rejected: a clock that was never set. */
    public static final long EARLIEST_T = Instant.parse("2000-01-01T00:00:00Z").toEpochMilli();
    public static final Duration MAX_FUTURE = Duration.ofHours(24);

    /** Reads one nested value out of a message; the rest of the message still follows it. */
    private static final ObjectReader SUBTREE = ProtocolJson.mapper().reader()
            .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final Clock clock;

    public ReadingsDecoder(Clock clock) {
        this.clock = clock;
    }

    public DecodedReadings decode(String topic, byte[] payload) {
        return decode(topic, payload, true);
    }

    /**
     * As {@link #decode(String, byte[])}; with {@code plainFirst} false, without trying {@link PlainReadings} first,
     * so that tests can hold the two readings to the same answers.
     */
    DecodedReadings decode(String topic, byte[] payload, boolean plainFirst) {
        DeviceTopic parsed = Topics.parse(topic).orElse(null);
        if (parsed == null || parsed.channel() != Channel.READINGS) {
            return whole(null, null, Reason.BAD_TOPIC, "topic '" + Untrusted.topic(topic)
                    + "' is not steward/v1/{site}/{device}/readings");
        }
        String site = parsed.site();
        String device = parsed.device();
        if (!parsed.hasValidIds()) {
            return whole(site, device, Reason.BAD_TOPIC, "topic '" + Untrusted.topic(topic)
                    + "' has a site or device id that is not " + Ids.describeRule());
        }
        if (payload.length > ReadingsMessage.MAX_BYTES) {
            return whole(site, device, Reason.TOO_LARGE, "message is " + payload.length + " bytes; the limit is "
                    + ReadingsMessage.MAX_BYTES + " bytes: send fewer readings per message");
        }
        if (plainFirst) {
            DecodedReadings plain = PlainReadings.read(site, device, payload, clock.millis());
            if (plain != null) {
                return plain;
            }
        }
        if (!Utf8.isValid(payload)) {
            return whole(site, device, Reason.NOT_UTF8, "message is not valid UTF-8: encode the JSON as UTF-8");
        }
        Message root;
        try {
            root = parse(payload);
        } catch (StreamConstraintsException e) {
            if (String.valueOf(e.getOriginalMessage()).contains("nesting depth")) {
                return whole(site, device, Reason.TOO_DEEP, "JSON nests deeper than " + ProtocolJson.MAX_NESTING_DEPTH
                        + " levels: send the flat readings payload of the contract");
            }
            // Past the parser's other limits: a number of more than 1,000 digits, a key of more than 50,000 bytes.
            return whole(site, device, Reason.NOT_JSON, "message has a number or key longer than the collector reads ("
                    + Untrusted.complaint(e.getOriginalMessage()) + "): send numbers of at most 17 significant digits "
                    + "and the contract's keys");
        } catch (JsonParseException e) {
            if (e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field")) {
                return whole(site, device, Reason.DUPLICATE_KEY, Untrusted.complaint(e.getOriginalMessage())
                        + ": each key may appear once in an object");
            }
            return whole(site, device, Reason.NOT_JSON, "message is not valid JSON ("
                    + Untrusted.complaint(e.getOriginalMessage()) + ")");
        } catch (IOException e) {
            return whole(site, device, Reason.NOT_JSON, "message is not valid JSON ("
                    + Untrusted.complaint(e.getMessage()) + ")");
        }
        if (root == null) {
            return whole(site, device, Reason.NOT_OBJECT, "message must be a JSON object {\"v\": 1, \"device\": ..., "
                    + "\"seq\": ..., \"readings\": [...]}");
        }
        // Read seq first: a message rejected whole is acknowledged too (resending cannot help), if it has one.
        JsonNode seqField = root.seq;
        boolean validSeq = seqField != null && seqField.isIntegralNumber() && seqField.canConvertToLong()
                && seqField.asLong() >= 0;
        OptionalLong seq = validSeq ? OptionalLong.of(seqField.asLong()) : OptionalLong.empty();
        JsonNode v = root.v;
        if (v == null || !v.isIntegralNumber() || v.asLong() != ReadingsMessage.VERSION) {
            return whole(site, device, seq, Reason.BAD_VERSION, "\"v\" must be 1, got " + Untrusted.quote(v));
        }
        JsonNode deviceField = root.device;
        if (deviceField == null || !deviceField.isTextual() || !deviceField.textValue().equals(device)) {
            return whole(site, device, seq, Reason.DEVICE_MISMATCH, "\"device\" is " + Untrusted.quote(deviceField)
                    + " but the topic's device is '" + device + "': they must be equal");
        }
        if (!validSeq) {
            return whole(site, device, Reason.BAD_SEQ, "\"seq\" must be a non-negative integer that grows with "
                    + "every message, got " + Untrusted.quote(seqField));
        }
        List<Object> readings = root.readings;
        if (readings == null) {
            return whole(site, device, seq, Reason.READINGS_NOT_ARRAY, "\"readings\" must be an array of readings");
        }
        if (readings.isEmpty()) {
            return whole(site, device, seq, Reason.NO_READINGS, "\"readings\" is empty: send 1 to "
                    + ReadingsMessage.MAX_READINGS + " readings");
        }
        if (readings.size() > ReadingsMessage.MAX_READINGS) {
            return whole(site, device, seq, Reason.TOO_MANY_READINGS, "\"readings\" has " + readings.size()
                    + " readings; the limit is " + ReadingsMessage.MAX_READINGS + ": split the batch");
        }
        long now = clock.millis();
        List<Reading> accepted = new ArrayList<>(readings.size());
        List<Rejection> rejections = new ArrayList<>();
        for (int i = 0; i < readings.size(); i++) {
            Object result = reading(readings.get(i), i, now);
            if (result instanceof Reading reading) {
                accepted.add(reading);
            } else {
                rejections.add((Rejection) result);
            }
        }
        return new DecodedReadings(site, device, seq, accepted, rejections);
    }

    /** A valid {@link Reading} or the {@link Rejection} that says why it is not. */
    private Object reading(Object element, int index, long now) {
        if (!(element instanceof Fields node)) {
            return new Rejection(Reason.READING_NOT_OBJECT, "readings[" + index + "] must be an object, got "
                    + ((JsonNode) element).getNodeType());
        }
        JsonNode sensorField = node.sensor;
        if (sensorField == null || !sensorField.isTextual() || !Ids.isValid(sensorField.textValue())) {
            return new Rejection(Reason.BAD_SENSOR, "readings[" + index + "]: \"sensor\" "
                    + (sensorField == null ? "is missing"
                    : Untrusted.quote(sensorField) + " is not " + Ids.describeRule()));
        }
        String sensor = sensorField.textValue();
        // Only a rejection needs it: building it for every good reading cost more than the checks below.
        Supplier<String> where = () -> "readings[" + index + "] (sensor '" + sensor + "')";
        JsonNode kindField = node.kind;
        Kind kind = kindField != null && kindField.isTextual() ? Kind.lookup(kindField.textValue()).orElse(null) : null;
        if (kind == null) {
            return new Rejection(Reason.UNKNOWN_KIND, where.get() + ": \"kind\" " + (kindField == null ? "is missing"
                    : Untrusted.quote(kindField) + " is not a known kind") + "; use one of " + Kind.standardNames());
        }
        JsonNode unitField = node.unit;
        String unit = null;
        if (unitField != null && !unitField.isNull()) {
            if (!unitField.isTextual() || !kind.acceptsUnit(unitField.textValue())) {
                return new Rejection(Reason.WRONG_UNIT, where.get() + ": unit " + Untrusted.quote(unitField)
                        + " is wrong for " + kind.name() + "; use \"" + kind.unit() + "\" or leave the unit out");
            }
            // A standard kind's unit is its own string, one in memory instead of one per reading.
            unit = kind.isUserKind() ? unitField.textValue() : kind.unit();
        }
        JsonNode valueField = node.value;
        if (valueField == null || !valueField.isNumber() || !Double.isFinite(valueField.doubleValue())) {
            return new Rejection(Reason.BAD_VALUE, where.get() + ": \"value\" must be a finite number, got "
                    + (valueField == null ? "nothing" : Untrusted.quote(valueField)));
        }
        double value = valueField.doubleValue();
        if (!kind.accepts(value)) {
            return new Rejection(Reason.OUT_OF_RANGE, where.get() + ": value " + Untrusted.quote(valueField)
                    + " is outside " + kind.describeRange() + " for " + kind.name()
                    + "; check the sensor's calibration");
        }
        JsonNode tField = node.t;
        if (tField == null || !tField.isIntegralNumber() || !tField.canConvertToLong()) {
            return new Rejection(Reason.BAD_TIME, where.get() + ": \"t\" must be epoch milliseconds as a JSON integer, "
                    + "got " + (tField == null ? "nothing" : Untrusted.quote(tField)));
        }
        long t = tField.longValue();
        if (t < EARLIEST_T) {
            return new Rejection(Reason.TOO_OLD, where.get() + ": t " + t + " is before 2000-01-01; the device's "
                    + "clock is probably not set (check NTP)");
        }
        if (t > now + MAX_FUTURE.toMillis()) {
            return new Rejection(Reason.FUTURE_TIME, where.get() + ": t " + t + " (" + Instant.ofEpochMilli(t)
                    + ") is more than 24 h in the future; check the device's clock");
        }
        return new Reading(sensor, kind.name(), t, value, unit);
    }

    /** The members of a readings message this decoder reads; null where missing. */
    private static final class Message {
        JsonNode v;
        JsonNode device;
        JsonNode seq;
        /** Each a {@link Fields} for an object, or the {@link JsonNode} of anything else; null if not an array. */
        List<Object> readings;
    }

    /** The members of one reading this decoder reads; null where missing. */
    private static final class Fields {
        JsonNode sensor;
        JsonNode kind;
        JsonNode unit;
        JsonNode value;
        JsonNode t;
    }

    /**
     * Reads the whole payload on Jackson's streaming parser, which checks its syntax and depth throughout, keeping
     * just the members above: building a full tree per message cost a third of ingest. The contract refuses
     * duplicate keys anywhere; Jackson's own check keeps a hash set per object, a fifth of decoding, so a first
     * reading finds duplicates among the members it knows with a bit each, and anything else (a member it does not
     * know, an object where a value belongs, a duplicate, any error) sends the payload to a second reading with
     * Jackson's check, which decides as before. Returns null for JSON that is not an object.
     */
    private static Message parse(byte[] payload) throws IOException {
        if (payload.length >= 3 && payload[0] == (byte) 0xEF && payload[1] == (byte) 0xBB && payload[2] == (byte) 0xBF) {
            throw new JsonParseException(null, "a byte-order mark before the JSON: leave it out");
        }
        for (int i = 0; i < Math.min(4, payload.length); i++) {
            if (payload[i] == 0) {
                // Jackson would take zero bytes here for UTF-16 or UTF-32; the contract's JSON is UTF-8 only.
                throw new JsonParseException(null, "a zero byte at offset " + i);
            }
        }
        try (JsonParser json = ProtocolJson.factoryWithoutDuplicateDetection().createParser(payload)) {
            return parse(json, true);
        } catch (Unusual | IOException e) {
            try (JsonParser json = ProtocolJson.mapper().getFactory().createParser(payload)) {
                return parse(json, false);
            }
        }
    }

    /** Thrown by the first reading for what only the second, with Jackson's duplicate check, may decide. */
    private static final class Unusual extends RuntimeException {
        private static final Unusual INSTANCE = new Unusual();

        private Unusual() {
            super(null, null, false, false);
        }
    }

    /** Marks a member as seen; in the first reading, a member seen before or not known is {@link Unusual}. */
    private static int seen(int members, int bit, boolean first) {
        if (first && (bit == 0 || (members & bit) != 0)) {
            throw Unusual.INSTANCE;
        }
        return members | bit;
    }

    private static Message parse(JsonParser json, boolean first) throws IOException {
        JsonToken token = json.nextToken();
        Message message = null;
        if (token == JsonToken.START_OBJECT) {
            message = new Message();
            int members = 0;
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String name = json.currentName();
                json.nextToken();
                switch (name) {
                    case "v" -> {
                        members = seen(members, 1, first);
                        message.v = node(json, first);
                    }
                    case "device" -> {
                        members = seen(members, 2, first);
                        message.device = node(json, first);
                    }
                    case "seq" -> {
                        members = seen(members, 4, first);
                        message.seq = node(json, first);
                    }
                    case "readings" -> {
                        members = seen(members, 8, first);
                        message.readings = readings(json, first);
                    }
                    default -> {
                        seen(members, 0, first);
                        json.skipChildren();
                    }
                }
            }
        } else if (token != null) {
            if (first) {
                throw Unusual.INSTANCE;
            }
            json.skipChildren();
        }
        if (token != null && json.nextToken() != null) {
            throw new JsonParseException(json, "content after the end of the JSON " + (message == null ? "value"
                    : "object"));
        }
        return message;
    }

    private static List<Object> readings(JsonParser json, boolean first) throws IOException {
        if (json.currentToken() != JsonToken.START_ARRAY) {
            if (first) {
                throw Unusual.INSTANCE;
            }
            json.skipChildren();
            return null;
        }
        List<Object> readings = new ArrayList<>();
        Texts texts = new Texts();
        while (json.nextToken() != JsonToken.END_ARRAY) {
            if (json.currentToken() != JsonToken.START_OBJECT) {
                readings.add(node(json, first));
                continue;
            }
            Fields fields = new Fields();
            int members = 0;
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String name = json.currentName();
                json.nextToken();
                switch (name) {
                    case "sensor" -> {
                        members = seen(members, 1, first);
                        fields.sensor = texts.node(json, first);
                    }
                    case "kind" -> {
                        members = seen(members, 2, first);
                        fields.kind = texts.node(json, first);
                    }
                    case "unit" -> {
                        members = seen(members, 4, first);
                        fields.unit = texts.node(json, first);
                    }
                    case "value" -> {
                        members = seen(members, 8, first);
                        fields.value = node(json, first);
                    }
                    case "t" -> {
                        members = seen(members, 16, first);
                        fields.t = node(json, first);
                    }
                    default -> {
                        seen(members, 0, first);
                        json.skipChildren();
                    }
                }
            }
            readings.add(fields);
        }
        return readings;
    }

    /**
     * The strings of one message's readings, each kept once: its readings repeat a few sensors, kinds and units, and a
     * string and its node for each of them were a third of what decoding allocated.
     */
    private static final class Texts {
        private static final int KEPT = 16;
        private final TextNode[] kept = new TextNode[KEPT];
        private int count;

        /** As {@link ReadingsDecoder#node}, a string the message had before being the node made for it then. */
        JsonNode node(JsonParser json, boolean first) throws IOException {
            if (json.currentToken() != JsonToken.VALUE_STRING) {
                return ReadingsDecoder.node(json, first);
            }
            char[] chars = json.getTextCharacters();
            int offset = json.getTextOffset();
            int length = json.getTextLength();
            for (int i = 0; i < count; i++) {
                if (same(kept[i].textValue(), chars, offset, length)) {
                    return kept[i];
                }
            }
            TextNode node = TextNode.valueOf(new String(chars, offset, length));
            if (count < KEPT) {
                kept[count++] = node;
            }
            return node;
        }

        private static boolean same(String text, char[] chars, int offset, int length) {
            if (text.length() != length) {
                return false;
            }
            for (int i = 0; i < length; i++) {
                if (text.charAt(i) != chars[offset + i]) {
                    return false;
                }
            }
            return true;
        }
    }

    /** The current value as the tree node Jackson's mapper would have made of it. */
    private static JsonNode node(JsonParser json, boolean first) throws IOException {
        if (first && (json.currentToken() == JsonToken.START_OBJECT || json.currentToken() == JsonToken.START_ARRAY)) {
            throw Unusual.INSTANCE;
        }
        return switch (json.currentToken()) {
            case VALUE_STRING -> TextNode.valueOf(json.getText());
            case VALUE_NUMBER_INT -> switch (json.getNumberType()) {
                case INT -> IntNode.valueOf(json.getIntValue());
                case LONG -> LongNode.valueOf(json.getLongValue());
                default -> BigIntegerNode.valueOf(json.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> DoubleNode.valueOf(json.getDoubleValue());
            case VALUE_TRUE -> BooleanNode.TRUE;
            case VALUE_FALSE -> BooleanNode.FALSE;
            case VALUE_NULL -> NullNode.getInstance();
            default -> SUBTREE.readTree(json); // an object or array where a value belongs: rare, and an error
        };
    }

    private static DecodedReadings whole(String site, String device, Reason reason, String detail) {
        return whole(site, device, OptionalLong.empty(), reason, detail);
    }

    private static DecodedReadings whole(String site, String device, OptionalLong seq, Reason reason, String detail) {
        return new DecodedReadings(site, device, seq, List.of(), List.of(new Rejection(reason, detail)));
    }
}
