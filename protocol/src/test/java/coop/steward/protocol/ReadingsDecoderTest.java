package coop.steward.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ReadingsDecoderTest {
    private static final long NOW = Instant.parse("2026-11-25T12:00:00Z").toEpochMilli();
    private static final String TOPIC = "steward/v1/food-forest/bed-3/readings";
    private final ReadingsDecoder decoder = new ReadingsDecoder(Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));

    private DecodedReadings decode(String json) {
        return decoder.decode(TOPIC, json.getBytes(StandardCharsets.UTF_8));
    }

    private static String message(String readings) {
        return "{\"v\": 1, \"device\": \"bed-3\", \"seq\": 1042, \"readings\": [" + readings + "]}";
    }

    private static String reading(String sensor, String kind, String t, String value, String unit) {
        StringBuilder sb = new StringBuilder("{");
        if (sensor != null) {
            sb.append("\"sensor\": ").append(sensor).append(", ");
        }
        if (kind != null) {
            sb.append("\"kind\": ").append(kind).append(", ");
        }
        if (unit != null) {
            sb.append("\"unit\": ").append(unit).append(", ");
        }
        if (value != null) {
            sb.append("\"value\": ").append(value).append(", ");
        }
        if (t != null) {
            sb.append("\"t\": ").append(t).append(", ");
        }
        sb.setLength(sb.length() - 2);
        return sb.append("}").toString();
    }

    private static String good(String sensor, double value) {
        return reading("\"" + sensor + "\"", "\"soil_moisture\"", Long.toString(NOW - 60_000), Double.toString(value),
                "\"%\"");
    }

    @Test
    void contractExample_isAcceptedWhole() {
        DecodedReadings decoded = decode("""
                {"v": 1, "device": "bed-3", "seq": 1042, "readings": [
                  {"sensor": "soil-a", "kind": "soil_moisture", "t": 1764000000000, "value": 31.4, "unit": "%"},
                  {"sensor": "flow",   "kind": "flow_rate",     "t": 1764000000000, "value": 0.0,  "unit": "L/min"}
                ]}""");

        assertThat(decoded.rejections()).isEmpty();
        assertThat(decoded.site()).isEqualTo("food-forest");
        assertThat(decoded.device()).isEqualTo("bed-3");
        assertThat(decoded.seq()).hasValue(1042);
        assertThat(decoded.readings()).containsExactly(
                new Reading("soil-a", "soil_moisture", 1764000000000L, 31.4, "%"),
                new Reading("flow", "flow_rate", 1764000000000L, 0.0, "L/min"));
    }

    @Test
    void unitMayBeLeftOut_andUnknownFieldsAreIgnored() {
        DecodedReadings decoded = decode("{\"v\": 1, \"device\": \"bed-3\", \"seq\": 0, \"firmware\": \"x\", "
                + "\"readings\": [{\"sensor\": \"t1\", \"kind\": \"air_temperature\", \"t\": " + NOW
                + ", \"value\": -4.5, \"quality\": \"good\"}]}");

        assertThat(decoded.rejections()).isEmpty();
        assertThat(decoded.readings()).containsExactly(new Reading("t1", "air_temperature", NOW, -4.5, null));
    }

    @Test
    void userKind_acceptsAnyUnitAndValue() {
        DecodedReadings decoded = decode(message(reading("\"ph\"", "\"x_soil_ph\"", Long.toString(NOW), "6.8",
                "\"pH\"")));

        assertThat(decoded.rejections()).isEmpty();
        assertThat(decoded.readings()).extracting(Reading::kind, Reading::unit).containsExactly(
                org.assertj.core.groups.Tuple.tuple("x_soil_ph", "pH"));
    }

    static List<Arguments> envelopeErrors() {
        return List.of(
                Arguments.of("not JSON", "{\"v\": 1, ", Reason.NOT_JSON),
                Arguments.of("JSON array", "[1, 2]", Reason.NOT_OBJECT),
                Arguments.of("JSON string", "\"hello\"", Reason.NOT_OBJECT),
                Arguments.of("empty payload", "", Reason.NOT_OBJECT),
                Arguments.of("trailing garbage", message(good("a", 1)) + " x", Reason.NOT_JSON),
                Arguments.of("version 2", message(good("a", 1)).replace("\"v\": 1", "\"v\": 2"), Reason.BAD_VERSION),
                Arguments.of("version as string", message(good("a", 1)).replace("\"v\": 1", "\"v\": \"1\""),
                        Reason.BAD_VERSION),
                Arguments.of("no version", message(good("a", 1)).replace("\"v\": 1, ", ""), Reason.BAD_VERSION),
                Arguments.of("device not the topic's", message(good("a", 1)).replace("bed-3", "bed-4"),
                        Reason.DEVICE_MISMATCH),
                Arguments.of("device differs in case", message(good("a", 1)).replace("bed-3", "Bed-3"),
                        Reason.DEVICE_MISMATCH),
                Arguments.of("device with spaces", message(good("a", 1)).replace("\"bed-3\"", "\" bed-3\""),
                        Reason.DEVICE_MISMATCH),
                Arguments.of("negative seq", message(good("a", 1)).replace("1042", "-1"), Reason.BAD_SEQ),
                Arguments.of("fractional seq", message(good("a", 1)).replace("1042", "1.5"), Reason.BAD_SEQ),
                Arguments.of("seq written as a float", message(good("a", 1)).replace("1042", "1042.0"),
                        Reason.BAD_SEQ),
                Arguments.of("missing seq", message(good("a", 1)).replace("\"seq\": 1042, ", ""), Reason.BAD_SEQ),
                Arguments.of("no readings", message(""), Reason.NO_READINGS),
                Arguments.of("readings not array", "{\"v\": 1, \"device\": \"bed-3\", \"seq\": 1, \"readings\": {}}",
                        Reason.READINGS_NOT_ARRAY),
                Arguments.of("readings missing", "{\"v\": 1, \"device\": \"bed-3\", \"seq\": 1}",
                        Reason.READINGS_NOT_ARRAY),
                Arguments.of("duplicate key", "{\"v\": 1, \"v\": 1, \"device\": \"bed-3\", \"seq\": 1, \"readings\": ["
                        + good("a", 1) + "]}", Reason.DUPLICATE_KEY),
                Arguments.of("duplicate key inside a reading", message("{\"sensor\": \"a\", \"sensor\": \"b\", "
                        + "\"kind\": \"soil_moisture\", \"t\": " + NOW + ", \"value\": 1}"), Reason.DUPLICATE_KEY),
                Arguments.of("nesting too deep", "{\"v\": 1, \"x\": " + "[".repeat(100) + "]".repeat(100) + "}",
                        Reason.TOO_DEEP),
                Arguments.of("a value of more than 1,000 digits", message(reading("\"a\"", "\"x_any\"",
                        Long.toString(NOW), "1." + "0".repeat(1000), null)), Reason.NOT_JSON),
                Arguments.of("a key of more than 50,000 bytes", message(good("a", 1)).replace("\"v\": 1",
                        "\"v\": 1, \"" + "k".repeat(50_001) + "\": 1"), Reason.NOT_JSON),
                Arguments.of("NaN literal", message(reading("\"a\"", "\"soil_moisture\"", Long.toString(NOW), "NaN",
                        null)), Reason.NOT_JSON),
                Arguments.of("syntax error after a wrong version", message(good("a", 1)).replace("\"v\": 1", "\"v\": 2")
                        .replace("]}", "]"), Reason.NOT_JSON),
                Arguments.of("byte-order mark", "\uFEFF" + message(good("a", 1)), Reason.NOT_JSON),
                Arguments.of("a zero byte first", "\u0000" + message(good("a", 1)), Reason.NOT_JSON),
                Arguments.of("JSON array with a syntax error", "[1, 2", Reason.NOT_JSON),
                Arguments.of("duplicate key in an unknown member", message(good("a", 1)).replace("\"v\": 1",
                        "\"v\": 1, \"meta\": {\"x\": 1, \"x\": 2}"), Reason.DUPLICATE_KEY),
                Arguments.of("an unknown key twice in a reading", message("{\"sensor\": \"a\", \"note\": 1, "
                        + "\"kind\": \"soil_moisture\", \"note\": 2, \"t\": " + NOW + ", \"value\": 1}"),
                        Reason.DUPLICATE_KEY),
                Arguments.of("a key twice in the second reading of two", message(good("a", 1) + ", {\"sensor\": \"b\", "
                        + "\"kind\": \"soil_moisture\", \"t\": " + NOW + ", \"value\": 1, \"t\": " + NOW + "}"),
                        Reason.DUPLICATE_KEY));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("envelopeErrors")
    void envelopeError_rejectsWholeMessage(String name, String json, Reason reason) {
        DecodedReadings decoded = decode(json);

        assertThat(decoded.readings()).isEmpty();
        assertThat(decoded.rejectedWhole()).isTrue();
        assertThat(decoded.rejections()).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(reason);
            assertThat(r.detail()).isNotBlank();
        });
    }

    @Test
    void aNumberTooLongToRead_isSaidToBeOne_notANestingProblem() {
        DecodedReadings decoded = decode(message(reading("\"a\"", "\"x_any\"", Long.toString(NOW),
                "1." + "0".repeat(1000), null)));

        assertThat(decoded.rejections()).singleElement().satisfies(r -> assertThat(r.detail())
                .contains("number or key longer than the collector reads", "17 significant digits")
                .doesNotContain("nests"));
        // One digit fewer is read, as the contract's finite number it is.
        assertThat(decode(message(reading("\"a\"", "\"x_any\"", Long.toString(NOW), "1." + "0".repeat(998),
                null))).readings()).extracting(Reading::value).containsExactly(1.0);
    }

    @Test
    void messageRejectedWhole_keepsItsSeq_soItCanBeAcknowledged() {
        assertThat(decode(message(good("a", 1)).replace("\"v\": 1", "\"v\": 2")).seq()).hasValue(1042);
        assertThat(decode(message(good("a", 1)).replace("bed-3", "bed-4")).seq()).hasValue(1042);
        assertThat(decode(message("")).seq()).hasValue(1042);
        assertThat(decode("{\"v\": 1, ").seq()).isEmpty();
    }

    @Test
    void messageOverTheSizeLimit_isRejectedWhole() {
        StringBuilder readings = new StringBuilder(good("a", 1));
        while (readings.length() < ReadingsMessage.MAX_BYTES) {
            readings.append(", ").append(good("a", 1));
        }
        assertThat(decode(message(readings.toString())).rejections()).extracting(Rejection::reason)
                .containsExactly(Reason.TOO_LARGE);
    }

    @Test
    void moreThanTenThousandReadings_isRejectedWhole() {
        // Real readings that many would exceed the size limit first; the count is checked before each reading.
        String readings = String.join(",", java.util.Collections.nCopies(10_001, "0"));

        assertThat(decode(message(readings)).rejections()).extracting(Rejection::reason)
                .containsExactly(Reason.TOO_MANY_READINGS);
    }

    @Test
    void invalidUtf8_isRejectedWhole() {
        byte[] bytes = message(good("a", 1)).getBytes(StandardCharsets.UTF_8);
        byte[] bad = new byte[bytes.length + 2];
        System.arraycopy(bytes, 0, bad, 0, bytes.length);
        bad[bytes.length] = (byte) 0xC3; // a lead byte with no continuation
        bad[bytes.length + 1] = (byte) 0x28;

        assertThat(decoder.decode(TOPIC, bad).rejections()).extracting(Rejection::reason)
                .containsExactly(Reason.NOT_UTF8);
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"steward/v1/Food-Forest/bed-3/readings",
            "steward/v1/food forest/bed-3/readings", "steward/v1/food-forest/-bed/readings"})
    void badIdsInTopic_rejectWholeMessage(String topic) {
        DecodedReadings decoded = decoder.decode(topic, message(good("a", 1)).getBytes(StandardCharsets.UTF_8));

        assertThat(decoded.rejections()).extracting(Rejection::reason).containsExactly(Reason.BAD_TOPIC);
    }

    static List<Arguments> readingErrors() {
        String t = Long.toString(NOW);
        return List.of(
                Arguments.of("missing sensor", reading(null, "\"soil_moisture\"", t, "30", null), Reason.BAD_SENSOR),
                Arguments.of("upper-case sensor", reading("\"Soil-A\"", "\"soil_moisture\"", t, "30", null),
                        Reason.BAD_SENSOR),
                Arguments.of("sensor not a string", reading("7", "\"soil_moisture\"", t, "30", null),
                        Reason.BAD_SENSOR),
                Arguments.of("sensor too long", reading("\"" + "a".repeat(65) + "\"", "\"soil_moisture\"", t, "30",
                        null), Reason.BAD_SENSOR),
                Arguments.of("unknown kind", reading("\"a\"", "\"soil_moist\"", t, "30", null), Reason.UNKNOWN_KIND),
                Arguments.of("kind in upper case", reading("\"a\"", "\"SOIL_MOISTURE\"", t, "30", null),
                        Reason.UNKNOWN_KIND),
                Arguments.of("missing kind", reading("\"a\"", null, t, "30", null), Reason.UNKNOWN_KIND),
                Arguments.of("wrong unit", reading("\"a\"", "\"air_temperature\"", t, "30", "\"F\""),
                        Reason.WRONG_UNIT),
                Arguments.of("unit with space", reading("\"a\"", "\"soil_moisture\"", t, "30", "\" %\""),
                        Reason.WRONG_UNIT),
                Arguments.of("value as string", reading("\"a\"", "\"soil_moisture\"", t, "\"30\"", null),
                        Reason.BAD_VALUE),
                Arguments.of("value null", reading("\"a\"", "\"soil_moisture\"", t, "null", null), Reason.BAD_VALUE),
                Arguments.of("value \"NaN\"", reading("\"a\"", "\"soil_moisture\"", t, "\"NaN\"", null),
                        Reason.BAD_VALUE),
                Arguments.of("value overflows to infinity", reading("\"a\"", "\"x_big\"", t, "1e400", null),
                        Reason.BAD_VALUE),
                Arguments.of("missing value", reading("\"a\"", "\"soil_moisture\"", t, null, null), Reason.BAD_VALUE),
                Arguments.of("moisture above 100", reading("\"a\"", "\"soil_moisture\"", t, "100.5", null),
                        Reason.OUT_OF_RANGE),
                Arguments.of("negative flow", reading("\"a\"", "\"flow_rate\"", t, "-0.1", null), Reason.OUT_OF_RANGE),
                Arguments.of("negative solar power", reading("\"a\"", "\"solar_power\"", t, "-3", null),
                        Reason.OUT_OF_RANGE),
                Arguments.of("valve half open", reading("\"a\"", "\"valve_state\"", t, "0.5", null),
                        Reason.OUT_OF_RANGE),
                Arguments.of("battery over 100 %", reading("\"a\"", "\"battery_soc\"", t, "101", null),
                        Reason.OUT_OF_RANGE),
                Arguments.of("missing t", reading("\"a\"", "\"soil_moisture\"", null, "30", null), Reason.BAD_TIME),
                Arguments.of("fractional t", reading("\"a\"", "\"soil_moisture\"", NOW + ".5", "30", null),
                        Reason.BAD_TIME),
                Arguments.of("t as string", reading("\"a\"", "\"soil_moisture\"", "\"" + NOW + "\"", "30", null),
                        Reason.BAD_TIME),
                Arguments.of("t in seconds (before 2000)", reading("\"a\"", "\"soil_moisture\"", "1764000000", "30",
                        null), Reason.TOO_OLD),
                Arguments.of("t over 24 h ahead", reading("\"a\"", "\"soil_moisture\"",
                        Long.toString(NOW + 24 * 3_600_000L + 1), "30", null), Reason.FUTURE_TIME),
                Arguments.of("reading not an object", "42", Reason.READING_NOT_OBJECT),
                Arguments.of("reading an array", "[1, {\"sensor\": \"a\"}]", Reason.READING_NOT_OBJECT),
                Arguments.of("value an object", reading("\"a\"", "\"soil_moisture\"", t, "{\"v\": 30}", null),
                        Reason.BAD_VALUE),
                Arguments.of("t beyond a long", reading("\"a\"", "\"soil_moisture\"", "123456789012345678901234",
                        "30", null), Reason.BAD_TIME));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("readingErrors")
    void readingError_rejectsOnlyThatReading(String name, String badReading, Reason reason) {
        DecodedReadings decoded = decode(message(good("before", 30) + ", " + badReading + ", " + good("after", 31)));

        assertThat(decoded.rejectedWhole()).isFalse();
        assertThat(decoded.readings()).extracting(Reading::sensor).containsExactly("before", "after");
        assertThat(decoded.rejections()).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(reason);
            assertThat(r.detail()).contains("readings[1]");
        });
    }

    @Test
    void aReadingsReason_quotesTheWrongValueAsItWasSent() {
        DecodedReadings decoded = decode(message(reading("\"a\"", "\"soil_moisture\"", Long.toString(NOW),
                "{\"v\": [30]}", null) + ", " + reading("\"B\"", "\"soil_moisture\"", Long.toString(NOW), "1", null)
                + ", " + reading("\"c\"", "\"soil_moisture\"", "\"yesterday\"", "1", null)));

        assertThat(decoded.rejections()).extracting(Rejection::detail).containsExactly(
                "readings[0] (sensor 'a'): \"value\" must be a finite number, got {\"v\":[30]}",
                "readings[1]: \"sensor\" \"B\" is not " + Ids.describeRule(),
                "readings[2] (sensor 'c'): \"t\" must be epoch milliseconds as a JSON integer, got \"yesterday\"");
    }

    @Test
    void boundaryValues_areAccepted() {
        String t = Long.toString(NOW);
        DecodedReadings decoded = decode(message(String.join(", ",
                reading("\"dry\"", "\"soil_moisture\"", t, "0", null),
                reading("\"wet\"", "\"soil_moisture\"", t, "100", null),
                reading("\"open\"", "\"valve_state\"", t, "1", null),
                reading("\"ahead\"", "\"soil_moisture\"", Long.toString(NOW + 24 * 3_600_000L), "5", null),
                reading("\"y2k\"", "\"soil_moisture\"", Long.toString(ReadingsDecoder.EARLIEST_T), "5", null))));

        assertThat(decoded.rejections()).isEmpty();
        assertThat(decoded.readings()).hasSize(5);
    }

    @Test
    void rejectionDetail_namesTheProblemAndWhatToDo() {
        DecodedReadings decoded = decode(message(reading("\"soil-a\"", "\"soil_moisture\"", Long.toString(NOW),
                "130.5", null)));

        assertThat(decoded.rejections()).singleElement().extracting(Rejection::detail).asString()
                .contains("soil-a", "130.5", "0..100", "calibration");
    }

    @Test
    void whatAClientSent_isQuotedEscapedAndShort_soTheSentenceStaysReadable() {
        // An escape sequence that clears a terminal (JSON-escaped, as JSON needs), and a right-to-left override.
        String huge = "\\u001b[2J\u202E" + "x".repeat(200_000);
        DecodedReadings wrongDevice = decode("{\"v\": 1, \"device\": \"" + huge
                + "\", \"seq\": 1, \"readings\": []}");
        DecodedReadings badValue = decode(message(reading("\"soil-a\"", "\"soil_moisture\"", Long.toString(NOW),
                "\"" + huge + "\"", null)));
        DecodedReadings badTopic = decoder.decode("steward/v1/" + "S".repeat(60_000) + "/d/readings",
                "{}".getBytes(StandardCharsets.UTF_8));

        String mismatch = wrongDevice.rejections().get(0).detail();
        assertThat(mismatch).hasSizeLessThan(200).endsWith("but the topic's device is 'bed-3': they must be equal")
                .contains("[2J", "\\u202E", "\u2026").doesNotContain("\u001b", "\u202E");
        assertThat(badValue.rejections().get(0).detail()).hasSizeLessThan(200).contains("soil-a", "\u2026");
        assertThat(badTopic.rejections().get(0).detail()).hasSizeLessThan(300)
                .contains("\u2026", "has a site or device id that is not");
    }

    @Test
    void everyNumberDecodesToTheDoubleJavaReadsFromTheSameText() {
        List<String> texts = List.of("0.1", "1e-7", "-0.0", "0", "-17", "1E2", "0.30000000000000004",
                "123456789012345678901234567890", "2.2250738585072014E-308", "4.9e-324", "1.7976931348623157e308",
                "3.141592653589793238462643383279", "9007199254740993", "0.000000000000000000000000000001234",
                // Past 19 digits, either side of a halfway point between two doubles; and the smallest of them.
                "1.00000000000000011102230246251565404236316680908203125",
                "1.00000000000000011102230246251565404236316680908203126", "2.2250738585072011e-308", "-1e-400");
        StringBuilder readings = new StringBuilder();
        for (int i = 0; i < texts.size(); i++) {
            readings.append(i == 0 ? "" : ",").append(reading("\"n" + i + "\"", "\"x_any\"",
                    Long.toString(NOW - 60_000), texts.get(i), null));
        }

        DecodedReadings decoded = decode(message(readings.toString()));

        assertThat(decoded.rejections()).isEmpty();
        assertThat(decoded.readings()).extracting(Reading::value)
                .containsExactlyElementsOf(texts.stream().map(Double::parseDouble).toList());
        assertThat(Double.doubleToRawLongBits(decoded.readings().get(2).value()))
                .isEqualTo(Double.doubleToRawLongBits(-0.0));
    }

    @Test
    void manyReadingsOfAlikeAndRepeatedNames_eachKeepItsOwnSensorKindAndUnit() {
        // More distinct names than the decoder keeps per message, some alike but for their last letter, one escaped.
        List<String[]> expected = new ArrayList<>();
        StringBuilder readings = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            String sensor = "s" + (i % 25);
            String kind = i % 3 == 0 ? "soil_moisture" : i % 3 == 1 ? "x_ec" : "x_ed";
            String unit = kind.equals("soil_moisture") ? "%"
                    : i % 2 == 0 ? "uS/cm" : i % 4 == 1 ? "uS/cn" : "\u00b5S/cm";
            String sensorJson = i == 7 ? "\"s\\u0037\"" : "\"" + sensor + "\"";
            readings.append(i == 0 ? "" : ",").append(reading(sensorJson, "\"" + kind + "\"",
                    Long.toString(NOW - 60_000 + i), "1.5", "\"" + unit + "\""));
            expected.add(new String[] {sensor, kind, unit});
        }
        // A character outside the BMP, raw and escaped, is one unit.
        readings.append(",").append(reading("\"e1\"", "\"x_mood\"", Long.toString(NOW - 60_000), "1",
                "\"\uD83D\uDE00\""));
        readings.append(",").append(reading("\"e2\"", "\"x_mood\"", Long.toString(NOW - 60_000), "1",
                "\"\\ud83d\\ude00\""));
        expected.add(new String[] {"e1", "x_mood", "\uD83D\uDE00"});
        expected.add(new String[] {"e2", "x_mood", "\uD83D\uDE00"});

        List<String> names = expected.stream().map(e -> e[0] + "|" + e[1] + "|" + e[2]).toList();
        // A member the decoder does not know sends the message to its second, slower reading: the same names.
        String unknownMember = message(readings.toString())
                .replaceFirst("\"value\": 1.5", "\"note\": 1, \"value\": 1.5");

        for (String json : List.of(message(readings.toString()), unknownMember)) {
            DecodedReadings decoded = decode(json);

            assertThat(decoded.rejections()).isEmpty();
            assertThat(decoded.readings()).extracting(r -> r.sensor() + "|" + r.kind() + "|" + r.unit())
                    .containsExactlyElementsOf(names);
        }
    }
}
