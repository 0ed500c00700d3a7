package coop.steward.protocol;

/**
 * Why a message or a reading was rejected. The codes are part of the contract as seen by users
 * ({@code steward_rejected_total{reason="..."}} and {@code GET /api/v1/rejected}); docs/protocol.md lists them.
 */
public enum Reason {
    // Envelope errors: the whole message is rejected.
    TOO_LARGE("too_large", true),
    NOT_UTF8("not_utf8", true),
    NOT_JSON("not_json", true),
    DUPLICATE_KEY("duplicate_key", true),
    TOO_DEEP("too_deep", true),
    NOT_OBJECT("not_object", true),
    BAD_TOPIC("bad_topic", true),
    BAD_VERSION("bad_version", true),
    DEVICE_MISMATCH("device_mismatch", true),
    BAD_SEQ("bad_seq", true),
    READINGS_NOT_ARRAY("readings_not_array", true),
    NO_READINGS("no_readings", true),
    TOO_MANY_READINGS("too_many_readings", true),
    BAD_STATUS("bad_status", true),
    /** A QoS 0 message that arrived while the store was far behind (QoS 1 messages are never shed). */
    OVERLOADED("overloaded", true),
    /** A new device while the collector already knows as many as it keeps (a status, or readings of a new device). */
    TOO_MANY_DEVICES("too_many_devices", true),
    /** The collector could not handle the message: a bug, reported so that it never stops ingest. */
    INTERNAL_ERROR("internal_error", true),

    // Reading errors: only that reading is rejected.
    READING_NOT_OBJECT("reading_not_object", false),
    BAD_SENSOR("bad_sensor", false),
    UNKNOWN_KIND("unknown_kind", false),
    WRONG_UNIT("wrong_unit", false),
    BAD_VALUE("bad_value", false),
    OUT_OF_RANGE("out_of_range", false),
    BAD_TIME("bad_time", false),
    FUTURE_TIME("future_time", false),
    TOO_OLD("too_old", false),
    /** A reading of a new series while the collector, or its device, already has as many as it keeps. */
    TOO_MANY_SERIES("too_many_series", false);

    private final String code;
    private final boolean wholeMessage;

    Reason(String code, boolean wholeMessage) {
        this.code = code;
        this.wholeMessage = wholeMessage;
    }

    public String code() {
        return code;
    }

    /** True for envelope errors, which reject every reading of the message. */
    public boolean wholeMessage() {
        return wholeMessage;
    }
}
