package coop.steward.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What reaches a log line from a text someone else chose. */
class PrintableTest {
    @Test
    void aNewline_cannotStartAForgedLogLine() {
        String forged = "c-1\n2026-12-03 14:00:00 INFO valve closes: all is well";

        assertThat(Printable.cut(forged, 200))
                .isEqualTo("c-1\\u000a2026-12-03 14:00:00 INFO valve closes: all is well")
                .doesNotContain("\n");
    }

    static Stream<Arguments> invisible() {
        return Stream.of(
                arguments("carriage return", "a\rb", "a\\u000db"),
                arguments("terminal escape", "\u001b[2J", "\\u001b[2J"),
                arguments("NUL and DEL", "a\u0000\u007f", "a\\u0000\\u007f"),
                arguments("tab", "a\tb", "a\\u0009b"),
                arguments("right-to-left override", "txt.\u202eexe", "txt.\\u202eexe"),
                arguments("line separator", "a\u2028b", "a\\u2028b"),
                arguments("a lone surrogate", "a\ud800b", "a\\ud800b"),
                arguments("private use", "\ue000", "\\ue000"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invisible")
    void controlAndInvisibleCharacters_areEscaped(String what, String text, String logged) {
        assertThat(Printable.cut(text, 100)).isEqualTo(logged);
    }

    @Test
    void printableTextOfAnyScript_isKeptAsItIs() {
        assertThat(Printable.cut("Beet 3 – Möhren, 水分 🌱 / x_soil {\"v\":1}", 100))
                .isEqualTo("Beet 3 – Möhren, 水分 🌱 / x_soil {\"v\":1}");
    }

    @Test
    void aBackslash_isDoubled_soThatAnEscapeInTheLogIsAlwaysOurs() {
        assertThat(Printable.cut("a\\u000ab", 100)).isEqualTo("a\\\\u000ab");
    }

    @Test
    void aLongText_isCutToMax_endingInAnEllipsis() {
        String cut = Printable.cut("x".repeat(1_000_000), 40);

        assertThat(cut).hasSize(40).endsWith("\u2026").startsWith("x".repeat(39));
    }

    @Test
    void aTextOfExactlyMax_isNotCut() {
        assertThat(Printable.cut("abcde", 5)).isEqualTo("abcde");
        assertThat(Printable.cut("abcdef", 5)).isEqualTo("abcd\u2026");
    }

    @Test
    void anEscapeOrASurrogatePair_isNeverCutInTwo() {
        assertThat(Printable.cut("ab\ncd", 6)).isEqualTo("ab\u2026");
        assertThat(Printable.cut("abc🌱🌱", 6)).isEqualTo("abc🌱\u2026");
    }

    @Test
    void null_isWrittenAsNull() {
        assertThat(Printable.cut(null, 10)).isEqualTo("null");
    }

    @Test
    void aMaxBelowOne_isAMistakeOfTheCaller() {
        assertThatThrownBy(() -> Printable.cut("x", 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
