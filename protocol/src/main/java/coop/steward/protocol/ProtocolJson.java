package coop.steward.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.List;
import java.util.function.Predicate;

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

    /**
     * The mapper's factory without duplicate-key detection, which keeps a hash set per object of three members or
     * more: a fifth of the collector's decoding. Only for a reader that finds duplicates itself and reads again with
     * {@link #mapper()} when it meets one. Its numbers are read by Jackson's fast parser, which gives the same doubles
     * as Java's own without making a string of each number first: a fifth of what decoding a reading allocated.
     */
    private static final com.fasterxml.jackson.core.JsonFactory WITHOUT_DUPLICATE_DETECTION =
            new com.fasterxml.jackson.core.JsonFactoryBuilder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
                    .disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
                    .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                    .build();

    private ProtocolJson() {
    }

    static com.fasterxml.jackson.core.JsonFactory factoryWithoutDuplicateDetection() {
        return WITHOUT_DUPLICATE_DETECTION;
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
        return WireJson.encodeAck(ranges);
    }

    /** Reads a {@code readings/ack} payload; throws {@link IllegalArgumentException} naming what is wrong. */
    public static List<SeqRange> decodeAck(byte[] payload) {
        return WireJson.decodeAck(payload);
    }

    public static StatusMessage decodeStatus(byte[] payload) {
        try {
            StatusMessage status = MAPPER.readValue(payload, StatusMessage.class);
            if (status.v() != 1 || !(StatusMessage.ONLINE.equals(status.state())
                    || StatusMessage.OFFLINE.equals(status.state()))) {
                throw new IllegalArgumentException("status must have \"v\": 1 and \"state\" \"online\" or \"offline\"");
            }
            return status;
        } catch (JsonProcessingException e) {
            // The original message, without the parser's location, which quotes up to 500 characters of the payload.
            throw new IllegalArgumentException("status is not valid JSON: "
                    + Untrusted.complaint(e.getOriginalMessage()), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("status is not valid JSON: " + Untrusted.complaint(e.getMessage()), e);
        }
    }

    /** Reads a site's {@code forward} report; throws {@link IllegalArgumentException} naming what is wrong. */
    public static ForwardReport decodeForwardReport(byte[] payload) {
        return decode(payload, ForwardReport.class, "forward report",
                r -> r.v() == 1 && r.share() != null && r.backlog() >= 0 && r.messages() >= 0,
                "a forward report must have \"v\": 1, \"share\" and a backlog of 0 or more");
    }

    /** Reads a hub's {@code neighbours} report; throws {@link IllegalArgumentException} naming what is wrong. */
    public static NeighbourReport decodeNeighbourReport(byte[] payload) {
        return decode(payload, NeighbourReport.class, "neighbours report",
                r -> r.v() == 1 && r.rule() != null && r.severity() != null
                        && r.arrays().stream().allMatch(a -> a.device() != null && a.state() != null),
                "a neighbours report must have \"v\": 1, \"rule\", \"severity\" and arrays each with a device "
                        + "and a state");
    }

    /** Reads a site's request for help; throws {@link IllegalArgumentException} naming what is wrong. */
    public static AidRequest decodeAidRequest(byte[] payload) {
        return decode(payload, AidRequest.class, "request for help",
                r -> r.v() == 1 && r.site() != null && r.alert() != null && r.rule() != null && r.severity() != null
                        && (r.taken() == null || r.taken().person() != null && r.taken().site() != null),
                "a request for help must have \"v\": 1, \"site\", \"alert\", \"rule\" and \"severity\"");
    }

    /** Reads a helper's answer to a request for help; throws {@link IllegalArgumentException} naming what is wrong. */
    public static AidTaken decodeAidTaken(byte[] payload) {
        return decode(payload, AidTaken.class, "answer to a request for help",
                r -> r.v() == 1 && r.person() != null && !r.person().isBlank(),
                "an answer to a request for help must have \"v\": 1 and the \"person\" who takes it");
    }

    private static <T> T decode(byte[] payload, Class<T> type, String what, Predicate<T> valid, String rule) {
        T decoded;
        try {
            decoded = MAPPER.readValue(payload, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(what + " is not valid JSON: "
                    + Untrusted.complaint(e.getOriginalMessage()), e);
        } catch (IOException e) {
            throw new IllegalArgumentException(what + " is not valid JSON: " + Untrusted.complaint(e.getMessage()), e);
        }
        if (decoded == null || !valid.test(decoded)) {
            throw new IllegalArgumentException(rule);
        }
        return decoded;
    }

    static JsonNode readTree(byte[] payload) {
        try {
            return MAPPER.readTree(payload);
        } catch (IOException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getMessage(), e);
        }
    }

}
