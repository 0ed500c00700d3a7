package coop.steward.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The agent's streaming JSON must put the same bytes on the wire as the contract's object mapper. */
class WireJsonTest {
    private static final long T = 1764000000000L;

    @Test
    void readings_areTheBytesTheMapperWrites_withAndWithoutUnits_andWithTextThatNeedsEscaping() {
        ReadingsMessage message = ReadingsMessage.of("bed-3", 42, List.of(
                new Reading("moisture-1", "soil_moisture", T, 31.25, "%"),
                new Reading("ph", "x_ph", T + 1, 6.0, null),
                new Reading("odd", "x_note", T + 2, -1.0E-7, "µS/cm \"quoted\"")));

        assertThat(text(WireJson.encode(message))).isEqualTo(text(ProtocolJson.encode(message)));
    }

    @Test
    void status_isTheBytesTheMapperWrites_inEveryShapeTheAgentSends() {
        List<StatusMessage> statuses = List.of(StatusMessage.lastWill(),
                StatusMessage.online(T, "0.1.0", 3, 12),
                StatusMessage.online(T, "0.1.0", 3, 12, 40, 7, false),
                StatusMessage.online(T, "0.1.0", 0, 1, 0, 0, true).withFaults(Map.of("s1", "raw 70000 out of range")),
                StatusMessage.online(T, "0.1.0", 0, 1, 0, 0, true).withFaults(Map.of("s1", "raw 70000 out of range"))
                        .withConfig(ConfigAck.hashOf("site: food-forest".getBytes(StandardCharsets.UTF_8))));

        for (StatusMessage status : statuses) {
            assertThat(text(WireJson.encode(status))).isEqualTo(text(ProtocolJson.encode(status)));
        }
    }

    @Test
    void configAck_isTheBytesTheMapperWrites_andReadsBack() {
        ConfigAck rejected = ConfigAck.rejected("ab12", List.of("line 3: i2c address 0x99 is not 0x48..0x4b"));
        ConfigAck applied = ConfigAck.applied("cd34");

        assertThat(text(WireJson.encode(rejected))).isEqualTo(text(ProtocolJson.encode(rejected)));
        assertThat(text(WireJson.encode(applied))).isEqualTo(text(ProtocolJson.encode(applied)));
        assertThat(ConfigAck.decode(WireJson.encode(rejected))).isEqualTo(rejected);
    }

    @Test
    void readingsWrittenByTheAgent_readBackUnchanged() {
        ReadingsMessage message = ReadingsMessage.of("bed-3", 7, List.of(
                new Reading("flow", "flow_rate", T, 12.5, "L/min"), new Reading("ph", "x_ph", T, 6.5, null)));

        assertThat(WireJson.decodeReadings(WireJson.encode(message))).isEqualTo(message);
    }

    @Test
    void somethingThatIsNotAReadingsMessage_isRefused() {
        assertThatThrownBy(() -> WireJson.decodeReadings(bytes("{\"v\":1,\"readings\":[]}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("device");
        assertThatThrownBy(() -> WireJson.decodeReadings(bytes("[1,2]")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ackWithSomethingOtherThanPairsOfIntegers_isRefusedWithTheShapeItShouldHave() {
        for (String wrong : List.of("{\"v\":1,\"seq\":[[1,2,3]]}", "{\"v\":1,\"seq\":[[1,\"2\"]]}",
                "{\"v\":1,\"seq\":[7]}", "{\"v\":2,\"seq\":[[1,2]]}", "{\"v\":1}", "{\"v\":1,\"seq\":[[1,2]]} x")) {
            assertThatThrownBy(() -> WireJson.decodeAck(bytes(wrong))).as(wrong)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(WireJson.decodeAck(bytes("{\"seq\":[[5,9]],\"v\":1,\"extra\":{\"a\":[1]}}")))
                .containsExactly(new SeqRange(5, 9));
    }

    @Test
    void flatObject_keepsScalars_marksNesting_andRefusesRepeatedKeysOrTrailingContent() throws IOException {
        Map<String, Object> members = WireJson.flatObject(bytes(
                "{\"s\":\"x\",\"i\":3,\"big\":123456789012345678901234567890,\"d\":0.5,\"b\":true,\"n\":null,"
                        + "\"a\":[1,{\"deep\":2}],\"o\":{\"k\":\"v\"}}"));

        assertThat(members).containsEntry("s", "x").containsEntry("i", 3L)
                .containsEntry("big", new BigInteger("123456789012345678901234567890")).containsEntry("d", 0.5)
                .containsEntry("b", true).containsEntry("n", WireJson.Null.NULL)
                .containsEntry("a", WireJson.Nested.ARRAY).containsEntry("o", WireJson.Nested.OBJECT);
        assertThat(WireJson.flatObject(bytes("[1]"))).isNull();
        assertThatThrownBy(() -> WireJson.flatObject(bytes("{\"a\":1,\"a\":2}"))).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> WireJson.flatObject(bytes("{\"a\":1} {}"))).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> WireJson.flatObject(bytes(""))).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> WireJson.flatObject(bytes("{\"a\":" + "[".repeat(40) + "]".repeat(40) + "}")))
                .as("nesting deeper than the contract allows").isInstanceOf(IOException.class);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
