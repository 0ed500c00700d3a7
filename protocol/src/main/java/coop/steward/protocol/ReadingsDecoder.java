package coop.steward.protocol;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Decodes wire data on {@code .../readings} into valid readings and rejections. Never throws: one bad payload
 * must never stop a consumer.
 */
public final class ReadingsDecoder {
    /** Readings before 2000-01-01T00:00:00Z are rejected: a clock that was never set. */
    public static final long EARLIEST_T = Instant.parse("2000-01-01T00:00:00Z").toEpochMilli();
    public static final Duration MAX_FUTURE = Duration.ofHours(24);

    private final Clock clock;

    public ReadingsDecoder(Clock clock) {
        this.clock = clock;
    }

    public DecodedReadings decode(String topic, byte[] payload) {
        DeviceTopic parsed = Topics.parse(topic).orElse(null);
        if (parsed == null || parsed.channel() != Channel.READINGS) {
            return whole(null, null, Reason.BAD_TOPIC, "topic '" + topic
                    + "' is not steward/v1/{site}/{device}/readings");
        }
        String site = parsed.site();
        String device = parsed.device();
        if (!parsed.hasValidIds()) {
            return whole(site, device, Reason.BAD_TOPIC, "topic '" + topic + "' has a site or device id that is not "
                    + Ids.describeRule());
        }
        if (payload.length > ReadingsMessage.MAX_BYTES) {
            return whole(site, device, Reason.TOO_LARGE, "message is " + payload.length + " bytes; the limit is "
                    + ReadingsMessage.MAX_BYTES + " bytes: send fewer readings per message");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(payload)).toString();
        } catch (CharacterCodingException e) {
            return whole(site, device, Reason.NOT_UTF8, "message is not valid UTF-8: encode the JSON as UTF-8");
        }
        JsonNode root;
        try {
            root = ProtocolJson.mapper().readTree(text);
        } catch (StreamConstraintsException e) {
            return whole(site, device, Reason.TOO_DEEP, "JSON nests deeper than " + ProtocolJson.MAX_NESTING_DEPTH
                    + " levels: send the flat readings payload of the contract");
        } catch (JsonParseException e) {
            if (e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field")) {
                return whole(site, device, Reason.DUPLICATE_KEY, e.getOriginalMessage()
                        + ": each key may appear once in an object");
            }
            return whole(site, device, Reason.NOT_JSON, "message is not valid JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            return whole(site, device, Reason.NOT_JSON, "message is not valid JSON (" + e.getMessage() + ")");
        }
        if (root == null || !root.isObject()) {
            return whole(site, device, Reason.NOT_OBJECT, "message must be a JSON object {\"v\": 1, \"device\": ..., "
                    + "\"seq\": ..., \"readings\": [...]}");
        }
        // Read seq first: a message rejected whole is acknowledged too (resending cannot help), if it has one.
        JsonNode seqField = root.get("seq");
        boolean validSeq = seqField != null && seqField.isIntegralNumber() && seqField.canConvertToLong()
                && seqField.asLong() >= 0;
        OptionalLong seq = validSeq ? OptionalLong.of(seqField.asLong()) : OptionalLong.empty();
        JsonNode v = root.get("v");
        if (v == null || !v.isIntegralNumber() || v.asLong() != ReadingsMessage.VERSION) {
            return whole(site, device, seq, Reason.BAD_VERSION, "\"v\" must be 1, got " + v);
        }
        JsonNode deviceField = root.get("device");
        if (deviceField == null || !deviceField.isTextual() || !deviceField.textValue().equals(device)) {
            return whole(site, device, seq, Reason.DEVICE_MISMATCH, "\"device\" is " + deviceField
                    + " but the topic's device is '" + device + "': they must be equal");
        }
        if (!validSeq) {
            return whole(site, device, Reason.BAD_SEQ, "\"seq\" must be a non-negative integer that grows with "
                    + "every message, got " + seqField);
        }
        JsonNode readings = root.get("readings");
        if (readings == null || !readings.isArray()) {
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
    private Object reading(JsonNode node, int index, long now) {
        String at = "readings[" + index + "]";
        if (!node.isObject()) {
            return new Rejection(Reason.READING_NOT_OBJECT, at + " must be an object, got " + node.getNodeType());
        }
        JsonNode sensorField = node.get("sensor");
        if (sensorField == null || !sensorField.isTextual() || !Ids.isValid(sensorField.textValue())) {
            return new Rejection(Reason.BAD_SENSOR, at + ": \"sensor\" " + (sensorField == null ? "is missing"
                    : sensorField + " is not " + Ids.describeRule()));
        }
        String sensor = sensorField.textValue();
        at = at + " (sensor '" + sensor + "')";
        JsonNode kindField = node.get("kind");
        Kind kind = kindField != null && kindField.isTextual() ? Kind.lookup(kindField.textValue()).orElse(null) : null;
        if (kind == null) {
            return new Rejection(Reason.UNKNOWN_KIND, at + ": \"kind\" " + (kindField == null ? "is missing"
                    : kindField + " is not a known kind") + "; use one of " + Kind.standardNames());
        }
        JsonNode unitField = node.get("unit");
        String unit = null;
        if (unitField != null && !unitField.isNull()) {
            if (!unitField.isTextual() || !kind.acceptsUnit(unitField.textValue())) {
                return new Rejection(Reason.WRONG_UNIT, at + ": unit " + unitField + " is wrong for " + kind.name()
                        + "; use \"" + kind.unit() + "\" or leave the unit out");
            }
            unit = unitField.textValue();
        }
        JsonNode valueField = node.get("value");
        if (valueField == null || !valueField.isNumber() || !Double.isFinite(valueField.doubleValue())) {
            return new Rejection(Reason.BAD_VALUE, at + ": \"value\" must be a finite number, got "
                    + (valueField == null ? "nothing" : valueField.toString()));
        }
        double value = valueField.doubleValue();
        if (!kind.accepts(value)) {
            return new Rejection(Reason.OUT_OF_RANGE, at + ": value " + valueField + " is outside "
                    + kind.describeRange() + " for " + kind.name() + "; check the sensor's calibration");
        }
        JsonNode tField = node.get("t");
        if (tField == null || !tField.isIntegralNumber() || !tField.canConvertToLong()) {
            return new Rejection(Reason.BAD_TIME, at + ": \"t\" must be epoch milliseconds as a JSON integer, got "
                    + (tField == null ? "nothing" : tField.toString()));
        }
        long t = tField.longValue();
        if (t < EARLIEST_T) {
            return new Rejection(Reason.TOO_OLD, at + ": t " + t + " is before 2000-01-01; the device's clock "
                    + "is probably not set (check NTP)");
        }
        if (t > now + MAX_FUTURE.toMillis()) {
            return new Rejection(Reason.FUTURE_TIME, at + ": t " + t + " (" + Instant.ofEpochMilli(t)
                    + ") is more than 24 h in the future; check the device's clock");
        }
        return new Reading(sensor, kind.name(), t, value, unit);
    }

    private static DecodedReadings whole(String site, String device, Reason reason, String detail) {
        return whole(site, device, OptionalLong.empty(), reason, detail);
    }

    private static DecodedReadings whole(String site, String device, OptionalLong seq, Reason reason, String detail) {
        return new DecodedReadings(site, device, seq, List.of(), List.of(new Rejection(reason, detail)));
    }
}
