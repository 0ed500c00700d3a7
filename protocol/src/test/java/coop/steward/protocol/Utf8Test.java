package coop.steward.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class Utf8Test {
    @ParameterizedTest
    @ValueSource(strings = {"", "plain ascii", "µS/cm", "°C", "水分", "🌱 seedling", "\u007f\u0080\u07ff\u0800\uffff"})
    void textEncodedAsUtf8_isValid(String text) {
        assertThat(Utf8.isValid(text.getBytes(StandardCharsets.UTF_8))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"C3", "C328", "80", "BF", "C080", "C1BF", "E08080", "EDA080", "F4908080", "F5808080",
        "FF", "E282", "F09F8C"})
    void malformedOverlongSurrogateOrTooHigh_isInvalid(String hex) {
        assertThat(Utf8.isValid(java.util.HexFormat.of().parseHex(hex))).isFalse();
    }

    @Test
    void agreesWithTheJdksStrictDecoder_onRandomBytes() {
        Random random = new Random(42);
        for (int round = 0; round < 20_000; round++) {
            byte[] bytes = new byte[random.nextInt(8)];
            random.nextBytes(bytes);
            assertThat(Utf8.isValid(bytes)).as(java.util.HexFormat.of().formatHex(bytes)).isEqualTo(jdkAccepts(bytes));
        }
    }

    private static boolean jdkAccepts(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
