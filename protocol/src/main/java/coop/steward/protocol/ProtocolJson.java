package coop.steward.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The one JSON mapper for the wire contract, strict where the contract is strict. */
public final class ProtocolJson {
    /** Deeper nesting than this is an envelope error ({@code too_deep}); no valid payload nests more than 4 deep. */
    public static final int MAX_NESTING_DEPTH = 32;

    private static final ObjectMapper MAPPER = JsonMapper.builder(
                    new com.fasterxml.jackson.core.JsonFactoryBuilder()
                            .streamReadConstraints(StreamReadConstraints.builder()
                                    .maxNestingDepth(MAX_NESTING_DEPTH)
                                    .build())
                            .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private ProtocolJson() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static byte[] encode(Object payload) {
        try {
            return MAPPER.writeValueAsBytes(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + payload.getClass().getSimpleName(), e);
        }
    }

    public static byte[] encodeAck(List<SeqRange> ranges) {
        ObjectNode ack = MAPPER.createObjectNode().put("v", 1);
        ArrayNode seq = ack.putArray("seq");
        for (SeqRange range : ranges) {
            seq.addArray().add(range.from()).add(range.to());
        }
        return encode(ack);
    }

    /** Reads a {@code readings/ack} payload; throws {@link IllegalArgumentException} naming what is wrong. */
    public static List<SeqRange> decodeAck(byte[] payload) {
        JsonNode root = readTree(payload);
        JsonNode seq = root.path("seq");
        if (root.path("v").asInt() != 1 || !seq.isArray()) {
            throw new IllegalArgumentException("ack must be {\"v\": 1, \"seq\": [[from, to], ...]}");
        }
        List<SeqRange> ranges = new ArrayList<>();
        for (JsonNode pair : seq) {
            if (!pair.isArray() || pair.size() != 2 || !pair.get(0).canConvertToExactIntegral()
                    || !pair.get(1).canConvertToExactIntegral()) {
                throw new IllegalArgumentException("ack range must be a pair of integers, got " + pair);
            }
            ranges.add(new SeqRange(pair.get(0).asLong(), pair.get(1).asLong()));
        }
        return ranges;
    }

    public static StatusMessage decodeStatus(byte[] payload) {
        try {
            StatusMessage status = MAPPER.readValue(payload, StatusMessage.class);
            if (status.v() != 1 || !(StatusMessage.ONLINE.equals(status.state())
                    || StatusMessage.OFFLINE.equals(status.state()))) {
                throw new IllegalArgumentException("status must have \"v\": 1 and \"state\" \"online\" or \"offline\"");
            }
            return status;
        } catch (IOException e) {
            throw new IllegalArgumentException("status is not valid JSON: " + e.getMessage(), e);
        }
    }

    static JsonNode readTree(byte[] payload) {
        try {
            return MAPPER.readTree(payload);
        } catch (IOException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getMessage(), e);
        }
    }

}
