package coop.steward.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdsTest {
    /** The contract's rule for site, device and sensor ids, as PROTOCOL.md writes it. */
    private static final Pattern CONTRACT = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    @ParameterizedTest
    @ValueSource(strings = {"a", "0", "bed-3", "soil_1", "pi-zero-2w"})
    void idsOfTheContract_areValid(String id) {
        assertThat(Ids.isValid(id)).isTrue();
    }

    @Test
    void sixtyFourCharacters_areValid_sixtyFiveAreNot() {
        assertThat(Ids.isValid("x".repeat(64))).isTrue();
        assertThat(Ids.isValid("x".repeat(65))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-bed", "_bed", "Bed", "bed 3", "bed/3", "bed+3", "bed.3", "béd", "bed\n"})
    void uppercaseSpacesSlashesOrLeadingPunctuation_areInvalid(String id) {
        assertThat(Ids.isValid(id)).isFalse();
    }

    @Test
    void null_isInvalid() {
        assertThat(Ids.isValid(null)).isFalse();
    }

    @Test
    void agreesWithTheContractsPattern_onRandomStrings() {
        Random random = new Random(7);
        String alphabet = "az09_-A/ .é\u0000";
        for (int round = 0; round < 50_000; round++) {
            int length = random.nextInt(5) == 0 ? 60 + random.nextInt(8) : random.nextInt(6);
            StringBuilder id = new StringBuilder();
            for (int i = 0; i < length; i++) {
                // Mostly valid characters, so that long valid ids come up too.
                id.append(random.nextInt(10) < 8 ? (char) ('a' + random.nextInt(26))
                        : alphabet.charAt(random.nextInt(alphabet.length())));
            }
            assertThat(Ids.isValid(id.toString())).as(id.toString())
                    .isEqualTo(CONTRACT.matcher(id).matches());
        }
    }
}
