package coop.steward.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON the edge agent writes and reads, on Jackson's streaming layer only. An agent runs for months in a
 * few tens of MiB on a Pi: Jackson's object mapper alone loads some 400 classes (about 3 MiB), so nothing on
 * the agent's path may touch {@link ProtocolJson}. The bytes are the same as the mapper's; tests hold them so.
 */
public final class WireJson {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(ProtocolJson.MAX_NESTING_DEPTH).build())
            .build();

    /** Writes one JSON value. */
    @FunctionalInterface
    public interface Body {
        void write(JsonGenerator json) throws IOException;
    }

    /** A member of a JSON object that is an array or an object: {@link #flatObject} keeps only that it is there. */
    public enum Nested { ARRAY, OBJECT }

    /** A JSON {@code null} member, told apart from a missing one. */
    public enum Null { NULL }

    private WireJson() {
    }

    public static byte[] write(Body body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (JsonGenerator json = FACTORY.createGenerator(bytes)) {
            body.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write JSON to memory", e);
        }
        return bytes.toByteArray();
    }

    public static byte[] encode(ReadingsMessage message) {
        return write(json -> {
            json.writeStartObject();
            json.writeNumberField("v", message.v());
            json.writeStringField("device", message.device());
            json.writeNumberField("seq", message.seq());
            json.writeArrayFieldStart("readings");
            for (Reading reading : message.readings()) {
                json.writeStartObject();
                readingFields(json, reading);
                if (reading.unit() != null) {
                    json.writeStringField("unit", reading.unit());
                }
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }

    /**
     * A reading's sensor, kind, t and value, in the contract's order. The unit is the caller's: the wire payload
     * leaves out a missing one, the dashboard's stream writes it as null.
     */
    public static void readingFields(JsonGenerator json, Reading reading) throws IOException {
        json.writeStringField("sensor", reading.sensor());
        json.writeStringField("kind", reading.kind());
        json.writeNumberField("t", reading.t());
        json.writeNumberField("value", reading.value());
    }

    public static byte[] encode(StatusMessage status) {
        return write(json -> {
            json.writeStartObject();
            json.writeNumberField("v", status.v());
            optional(json, "state", status.state());
            optional(json, "t", status.t());
            optional(json, "agent", status.agent());
            optional(json, "outbox", status.outbox());
            optional(json, "uptime_s", status.uptimeS());
            optional(json, "dropped", status.dropped());
            optional(json, "uncorrectable", status.uncorrectable());
            if (status.clockSynced() != null) {
                json.writeBooleanField("clock_synced", status.clockSynced());
            }
            if (status.faults() != null) {
                json.writeObjectFieldStart("faults");
                for (Map.Entry<String, String> fault : status.faults().entrySet()) {
                    json.writeStringField(fault.getKey(), fault.getValue());
                }
                json.writeEndObject();
            }
            optional(json, "config", status.config());
            json.writeEndObject();
        });
    }

    public static byte[] encode(ConfigAck ack) {
        return write(json -> {
            json.writeStartObject();
            json.writeNumberField("v", ack.v());
            json.writeStringField("outcome", ack.outcome());
            json.writeArrayFieldStart("errors");
            for (String error : ack.errors()) {
                json.writeString(error);
            }
            json.writeEndArray();
            json.writeStringField("hash", ack.hash());
            json.writeEndObject();
        });
    }

    /** A {@code readings/ack} payload: {@code {"v":1,"seq":[[from,to],...]}}. */
    public static byte[] encodeAck(List<SeqRange> ranges) {
        return write(json -> {
            json.writeStartObject();
            json.writeNumberField("v", 1);
            json.writeArrayFieldStart("seq");
            for (SeqRange range : ranges) {
                json.writeStartArray();
                json.writeNumber(range.from());
                json.writeNumber(range.to());
                json.writeEndArray();
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }

    /** Reads a {@code readings/ack} payload; throws {@link IllegalArgumentException} naming what is wrong. */
    public static List<SeqRange> decodeAck(byte[] payload) {
        String shape = "ack must be {\"v\": 1, \"seq\": [[from, to], ...]}";
        boolean v1 = false;
        List<SeqRange> ranges = null;
        try (JsonParser json = FACTORY.createParser(payload)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException(shape);
            }
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                JsonToken value = json.nextToken();
                if (field.equals("v")) {
                    v1 = value == JsonToken.VALUE_NUMBER_INT && json.getLongValue() == 1;
                } else if (field.equals("seq") && value == JsonToken.START_ARRAY) {
                    ranges = new ArrayList<>();
                    while (json.nextToken() != JsonToken.END_ARRAY) {
                        ranges.add(range(json));
                    }
                } else {
                    json.skipChildren();
                }
            }
            if (json.nextToken() != null) {
                throw new IllegalArgumentException("not valid JSON: content after the ack object");
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getMessage(), e);
        }
        if (!v1 || ranges == null) {
            throw new IllegalArgumentException(shape);
        }
        return ranges;
    }

    private static SeqRange range(JsonParser json) throws IOException {
        String wrong = "ack range must be a pair of integers";
        if (json.currentToken() != JsonToken.START_ARRAY) {
            throw new IllegalArgumentException(wrong + ", got " + json.getText());
        }
        long[] pair = new long[2];
        int count = 0;
        while (json.nextToken() != JsonToken.END_ARRAY) {
            if (json.currentToken() != JsonToken.VALUE_NUMBER_INT || count == 2) {
                throw new IllegalArgumentException(wrong + ", got a range with " + json.getText() + " in it");
            }
            pair[count++] = json.getLongValue();
        }
        if (count != 2) {
            throw new IllegalArgumentException(wrong + ", got one with " + count);
        }
        return new SeqRange(pair[0], pair[1]);
    }

    /**
     * Reads a readings payload that {@link #encode(ReadingsMessage)} wrote; throws {@link IllegalArgumentException}
     * if it is not one. Not for data from the wire: {@link ReadingsDecoder} validates that.
     */
    public static ReadingsMessage decodeReadings(byte[] payload) {
        Map<String, Object> root = new LinkedHashMap<>();
        List<Reading> readings = new ArrayList<>();
        try (JsonParser json = FACTORY.createParser(payload)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("a readings message is a JSON object");
            }
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                if (json.nextToken() == JsonToken.START_ARRAY && field.equals("readings")) {
                    while (json.nextToken() == JsonToken.START_OBJECT) {
                        Map<String, Object> r = members(json);
                        readings.add(new Reading((String) r.get("sensor"), (String) r.get("kind"),
                                ((Number) r.get("t")).longValue(), ((Number) r.get("value")).doubleValue(),
                                r.get("unit") instanceof String unit ? unit : null));
                    }
                } else {
                    root.put(field, scalar(json));
                }
            }
        } catch (IOException | ClassCastException | NullPointerException e) {
            throw new IllegalArgumentException("not a readings message: " + e.getMessage(), e);
        }
        if (!(root.get("v") instanceof Long v) || !(root.get("device") instanceof String device)
                || !(root.get("seq") instanceof Long seq)) {
            throw new IllegalArgumentException("a readings message needs v, device and seq");
        }
        return new ReadingsMessage(v.intValue(), device, seq, readings);
    }

    /**
     * The members of a one-level JSON object: strings, {@link Long} or {@link java.math.BigInteger} for integers,
     * {@link Double} for other numbers, {@link Boolean}, {@link Null#NULL}, and {@link Nested} for arrays and
     * objects. Throws {@link IOException} if the payload is not exactly one JSON value, or repeats a key.
     * A payload that is valid JSON but not an object gives null.
     */
    public static Map<String, Object> flatObject(byte[] payload) throws IOException {
        try (JsonParser json = FACTORY.createParser(payload)) {
            JsonToken first = json.nextToken();
            Map<String, Object> members = null;
            if (first == JsonToken.START_OBJECT) {
                members = members(json);
            } else {
                json.skipChildren();
            }
            if (first == null || json.nextToken() != null) {
                throw new IOException(first == null ? "empty payload" : "content after the first JSON value");
            }
            return members;
        }
    }

    private static Map<String, Object> members(JsonParser json) throws IOException {
        Map<String, Object> members = new LinkedHashMap<>();
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            String field = json.currentName();
            json.nextToken();
            members.put(field, scalar(json));
        }
        return members;
    }

    private static Object scalar(JsonParser json) throws IOException {
        return switch (json.currentToken()) {
            case VALUE_STRING -> json.getText();
            case VALUE_NUMBER_INT -> json.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    ? json.getBigIntegerValue() : (Object) json.getLongValue();
            case VALUE_NUMBER_FLOAT -> json.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> Null.NULL;
            case START_ARRAY -> {
                json.skipChildren();
                yield Nested.ARRAY;
            }
            case START_OBJECT -> {
                json.skipChildren();
                yield Nested.OBJECT;
            }
            default -> throw new IOException("unexpected " + json.currentToken());
        };
    }

    private static void optional(JsonGenerator json, String field, String value) throws IOException {
        if (value != null) {
            json.writeStringField(field, value);
        }
    }

    private static void optional(JsonGenerator json, String field, Long value) throws IOException {
        if (value != null) {
            json.writeNumberField(field, value);
        }
    }
}
