package coop.steward.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The plain reading decides nothing the full reading would decide otherwise: on payloads made to sit on every edge of
 * what it takes, whatever it accepts, the full reading accepts with the same readings, to the bit of every double.
 */
class PlainReadingsTest {
    private static final long NOW = Instant.parse("2026-11-25T12:00:00Z").toEpochMilli();
    private static final String SITE = "food-forest";
    private static final String DEVICE = "bed-3";
    private static final String TOPIC = "steward/v1/" + SITE + "/" + DEVICE + "/readings";
    private final ReadingsDecoder decoder = new ReadingsDecoder(Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));
    private final Random random = new Random(20261206);

    @Test
    void whatThePlainReadingAccepts_theFullReadingAcceptsWithTheSameReadings() {
        int plain = 0;
        int cases = 30_000;
        for (int i = 0; i < cases; i++) {
            String json = message();
            if (random.nextInt(4) == 0) {
                json = mutated(json);
            }
            byte[] payload = json.getBytes(StandardCharsets.UTF_8);
            DecodedReadings full = decoder.decode(TOPIC, payload, false);
            DecodedReadings fast = PlainReadings.read(SITE, DEVICE, payload, NOW);
            if (fast != null) {
                plain++;
                assertThat(fast).as(json).isEqualTo(full);
                assertThat(fast.readings()).as(json).extracting(r -> Double.doubleToRawLongBits(r.value()))
                        .containsExactlyElementsOf(full.readings().stream()
                                .map(r -> Double.doubleToRawLongBits(r.value())).toList());
            }
            assertThat(decoder.decode(TOPIC, payload)).as(json).isEqualTo(full);
        }
        // Not a vacuous comparison: a good share of the payloads are plain, and a good share are not.
        assertThat(plain).isBetween(cases / 10, cases * 9 / 10);
    }

    @Test
    void messagesAsTheAgentWritesThem_areReadPlain() {
        for (int i = 0; i < 2_000; i++) {
            List<Reading> readings = new ArrayList<>();
            int count = 1 + random.nextInt(60);
            for (int r = 0; r < count; r++) {
                double value = switch (random.nextInt(4)) {
                    case 0 -> random.nextInt(100);
                    case 1 -> Math.round(random.nextDouble() * 10_000) / 100.0;
                    case 2 -> random.nextDouble() * 100;
                    default -> random.nextDouble() * Math.pow(10, random.nextInt(30) - 15);
                };
                readings.add(random.nextBoolean()
                        ? new Reading("soil-" + random.nextInt(8), "soil_moisture", NOW - random.nextInt(86_400_000),
                                Math.min(value, 100), random.nextBoolean() ? "%" : null)
                        : new Reading("ec", "x_ec", NOW - random.nextInt(86_400_000), value - 50, "uS/cm"));
            }
            byte[] payload = WireJson.encode(new ReadingsMessage(ReadingsMessage.VERSION, DEVICE, i, readings));

            DecodedReadings fast = PlainReadings.read(SITE, DEVICE, payload, NOW);

            assertThat(fast).as(new String(payload, StandardCharsets.UTF_8)).isNotNull();
            assertThat(fast.readings()).isEqualTo(readings);
        }
    }

    @Test
    void eightDigitsAreReadAtOnce_andAnyOtherByteAmongThemIsNoNumber() {
        for (String digits : List.of("00000000", "12345678", "99999999", "17965906", "10000001")) {
            assertThat(PlainReadings.eightDigits(digits.getBytes(StandardCharsets.US_ASCII), 0))
                    .as(digits).isEqualTo(Long.parseLong(digits));
        }
        // Bytes either side of '0' to '9' (/ and :), the ones whose high nibble is 3 too (; to ?), and others.
        for (String notDigits : List.of("1234567:", "/1234567", "1234;678", "12?45678", "1234 567", "1.345678",
                "1e345678", "-1234567", "1234567\u0000")) {
            assertThat(PlainReadings.eightDigits(notDigits.getBytes(StandardCharsets.ISO_8859_1), 0))
                    .as(notDigits).isEqualTo(-1);
        }
        byte[] inside = "x:123456789".getBytes(StandardCharsets.US_ASCII);
        assertThat(PlainReadings.eightDigits(inside, 2)).isEqualTo(12345678);
    }

    /** A readings message near the contract: its members in any order, with room for every kind of mistake. */
    private String message() {
        List<String> members = new ArrayList<>(List.of(
                "\"v\"" + colon() + odd("1", "2", "1.0", "-1", "\"1\"", "01", "1e0"),
                "\"device\"" + colon() + odd("\"bed-3\"", "\"bed-4\"", "\"bed\\u002d3\"", "null", "\"BED-3\""),
                "\"seq\"" + colon() + odd(pick("7", "1042", "0", "-0", "9223372036854775807"), "-3", "1.5",
                        "123456789012345678901", "\"7\""),
                "\"readings\"" + colon() + readings()));
        if (random.nextInt(40) == 0) {
            members.remove(random.nextInt(members.size()));
        }
        if (random.nextInt(40) == 0) {
            members.add(random.nextBoolean() ? pick("\"note\"", "\"devices\"", "\"seq0\"", "\"V\"", "\"r\"") + colon() + "1" : members.get(random.nextInt(members.size())));
        }
        java.util.Collections.shuffle(members, random);
        return space() + "{" + space() + String.join(space() + "," + space(), members) + space() + "}" + space();
    }

    private String readings() {
        if (random.nextInt(40) == 0) {
            return pick("[]", "{}", "null", "[1]", "[[]]");
        }
        List<String> readings = new ArrayList<>();
        int count = 1 + random.nextInt(random.nextInt(10) == 0 ? 40 : 3);
        for (int i = 0; i < count; i++) {
            readings.add(reading());
        }
        return "[" + space() + String.join(space() + "," + space(), readings) + space() + "]";
    }

    private String reading() {
        String kind = odd(pick("x_ec", "x_ec", "soil_moisture", "flow_rate", "valve_state", "irradiance"), "x_Ec",
                "soil-moisture");
        String unit = switch (kind) {
            case "soil_moisture" -> odd(pick("\"%\"", "null"), "\"C\"", "\"\\u0025\"");
            case "flow_rate" -> odd(pick("\"L/min\"", "null"), "\"l/min\"", "1");
            case "valve_state" -> odd(pick("\"state\"", "null"), "\"State\"");
            default -> odd(pick("\"uS/cm\"", "\"\"", "null", "\"u\u007fs\""), "\"\u00b5S/cm\"");
        };
        String value = switch (kind) {
            case "valve_state" -> odd(pick("0", "1", "0.0", "1.0", "1e0", "-0", "-0.0", "10e-1"), "2", "0.5");
            case "soil_moisture" -> odd(pick("0", "100", "100.0", "1e2", "31.4", "0.5e1", digits(2) + "." + digits(3)),
                    "100.0000000000001", "-0.001", "101");
            case "flow_rate", "irradiance" -> number().replace("-", "");
            default -> number();
        };
        List<String> members = new ArrayList<>(List.of(
                "\"sensor\"" + colon() + odd(pick("\"soil-a\"", "\"soil-b\"", "\"s_1\"", "\"0\"",
                        "\"" + "s".repeat(64) + "\""), "\"Soil\"", "\"-a\"", "\"\"", "\"" + "s".repeat(65) + "\"",
                        "\"soil\\u002da\"", "3"),
                "\"kind\"" + colon() + "\"" + kind + "\"",
                "\"value\"" + colon() + value,
                "\"t\"" + colon() + odd(pick(Long.toString(NOW - random.nextInt(86_400_000)), Long.toString(NOW),
                                Long.toString(NOW + ReadingsDecoder.MAX_FUTURE.toMillis()),
                                Long.toString(ReadingsDecoder.EARLIEST_T)),
                        Long.toString(NOW + ReadingsDecoder.MAX_FUTURE.toMillis() + 1),
                        Long.toString(ReadingsDecoder.EARLIEST_T - 1), "1.764e12", "1764000000000.0", "-1",
                        "\"" + NOW + "\"")));
        if (random.nextInt(3) > 0) {
            members.add("\"unit\"" + colon() + unit);
        }
        if (random.nextInt(60) == 0) {
            members.remove(random.nextInt(members.size()));
        }
        if (random.nextInt(60) == 0) {
            // Names the plain reading must not take for its own: unknown, or one letter off one it knows.
            members.add(random.nextBoolean() ? pick("\"extra\"", "\"values\"", "\"sensr\"", "\"Kind\"", "\"tt\"",
                    "\"\"", "\"u\"", "\"t \"") + colon() + "1"
                    : members.get(random.nextInt(members.size())));
        }
        java.util.Collections.shuffle(members, random);
        return "{" + space() + String.join(space() + "," + space(), members) + space() + "}";
    }

    /** JSON numbers and near misses, with the digits and exponents where reading them exactly gets hard. */
    private String number() {
        return switch (random.nextInt(13)) {
            case 0 -> pick("0", "-0", "0.0", "-0.0", "1", "100", "101", "-1", "0.5", "1.5e2", "1E2", "1e-2");
            case 1 -> odd(digits(3), "01", "1.", ".5", "-", "+1", "1e", "1e+", "0x1F", "NaN", "Infinity", "1e400", "-1e400",
                    "\"5\"", "null", "true", "1.5.5", "1ee2", "--1");
            case 2 -> Integer.toString(random.nextInt(201) - 50);
            case 3 -> Double.toString(random.nextDouble() * 100);
            case 4 -> Double.toString(random.nextGaussian() * Math.pow(10, random.nextInt(40) - 20));
            case 5 -> digits(1 + random.nextInt(22)) + "." + digits(1 + random.nextInt(22));
            case 6 -> digits(1 + random.nextInt(17)) + pick("e", "E", "e+", "e-", "E-") + random.nextInt(30);
            case 7 -> "0." + "0".repeat(random.nextInt(25)) + digits(1 + random.nextInt(18));
            case 8 -> digits(16 + random.nextInt(6));
            case 9 -> "9007199254740993" + pick("", ".0", ".5", "e0", "e-1");
            case 10 -> pick("-", "") + digits(1 + random.nextInt(15)) + "." + digits(1 + random.nextInt(8))
                    + pick("", "e" + (random.nextInt(50) - 25));
            // Either side of the full reading's limit of 1,000 digits; and a 64-byte number, the plain reading's.
            case 11 -> pick("1." + "0".repeat(997 + random.nextInt(5)),
                    "1e" + "0".repeat(998 + random.nextInt(4)) + "1", "1." + "0".repeat(61), "1." + "0".repeat(62),
                    digits(30) + "." + digits(33));
            default -> String.format(java.util.Locale.ROOT, "%.2f", random.nextDouble() * 50);
        };
    }

    private String digits(int count) {
        StringBuilder digits = new StringBuilder();
        digits.append((char) ('1' + random.nextInt(9)));
        for (int i = 1; i < count; i++) {
            digits.append((char) ('0' + random.nextInt(10)));
        }
        return digits.toString();
    }

    /** The payload with one byte taken out, put in or changed: syntax errors, mostly, near the plain reading's path. */
    private String mutated(String json) {
        int at = random.nextInt(json.length());
        String inserted = pick(",", ":", "\"", "{", "}", "[", "]", " ", "\\", "0", "-", ".", "e", "\u0000", "\u00e9",
                "\u0001", "n", "/");
        return switch (random.nextInt(3)) {
            case 0 -> json.substring(0, at) + json.substring(at + 1);
            case 1 -> json.substring(0, at) + inserted + json.substring(at);
            default -> json.substring(0, at) + inserted + json.substring(at + 1);
        };
    }

    private String colon() {
        return space() + ":" + space();
    }

    /** Mostly none, sometimes each kind of JSON whitespace, now and then something that is not JSON whitespace. */
    private String space() {
        return switch (random.nextInt(16)) {
            case 0 -> " ";
            case 1 -> "\n\t ";
            case 2 -> "\r\n";
            case 3 -> random.nextInt(10) == 0 ? "\u00a0" : "  ";
            default -> "";
        };
    }

    /** Now and then one of the mistakes, else the good one. */
    private String odd(String good, String... mistakes) {
        return random.nextInt(50) == 0 ? pick(mistakes) : good;
    }

    @SafeVarargs
    private <T> T pick(T... options) {
        return options[random.nextInt(options.length)];
    }
}
