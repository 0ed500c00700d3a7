package coop.steward.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UntrustedTest {
    @Test
    void shortPlainText_isKeptAsItIs() {
        String text = "steward/v1/food-forest/bed-3/readings";
        assertThat(Untrusted.cut(text, 300)).isSameAs(text);
        assertThat(Untrusted.cut("bed-\u00e9t\u00e9 \uD83C\uDF31", 300)).isEqualTo("bed-\u00e9t\u00e9 \uD83C\uDF31");
    }

    @Test
    void longText_isCutWithAnEllipsis_toTheLimit() {
        String cut = Untrusted.cut("s".repeat(60_000), 300);
        assertThat(cut).hasSize(300).endsWith("\u2026").startsWith("sss");
        assertThat(Untrusted.cut("s".repeat(300), 300)).isEqualTo("s".repeat(300));
        assertThat(Untrusted.cut("s".repeat(301), 300)).isEqualTo("s".repeat(299) + "\u2026");
    }

    @Test
    void controlAndInvisibleCharacters_areEscaped() {
        assertThat(Untrusted.cut("a\u0000b\u001b[2Jc\nd\u202Ee\u2028f\uFFFF", 300))
                .isEqualTo("a\\u0000b\\u001B[2Jc\\u000Ad\\u202Ee\\u2028f\\uFFFF");
        assertThat(Untrusted.cut("lone \uD83C surrogate", 300)).isEqualTo("lone \\uD83C surrogate");
    }

    @Test
    void aNewline_cannotStartAForgedLogLine() {
        assertThat(Untrusted.cut("c-1\n2026-12-03 14:00:00 INFO valve closes: all is well", 200))
                .isEqualTo("c-1\\u000A2026-12-03 14:00:00 INFO valve closes: all is well").doesNotContain("\n");
    }

    @Test
    void aCut_neverSplitsAnEscapeOrACharacterPair() {
        assertThat(Untrusted.cut("ab\u0001", 7)).isEqualTo("ab\u2026");
        assertThat(Untrusted.cut("ab\u0001", 8)).isEqualTo("ab\\u0001");
        assertThat(Untrusted.cut("ab\uD83C\uDF31c", 4)).isEqualTo("ab\u2026");
    }

    @Test
    void quotedValuesAndTopics_haveTheirOwnShorterLimits() {
        assertThat(Untrusted.quote("x".repeat(1_000))).hasSize(Untrusted.QUOTED);
        String longestValidTopic = "steward/v1/" + "s".repeat(64) + "/" + "d".repeat(64) + "/readings";
        assertThat(Untrusted.topic(longestValidTopic)).isEqualTo(longestValidTopic);
        assertThat(Untrusted.quote(null)).isEqualTo("null");
    }
}
