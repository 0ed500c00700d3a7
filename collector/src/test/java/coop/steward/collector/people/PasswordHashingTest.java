package coop.steward.collector.people;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordHashingTest {
    @Test
    void aPassword_isKeptAsAnArgon2idPhcString_thatOnlyItMatches() {
        String hash = PasswordHashing.hash("correct horse battery staple");

        assertThat(hash).startsWith("$argon2id$v=19$m=19456,t=2,p=1$").doesNotContain("horse");
        assertThat(PasswordHashing.matches("correct horse battery staple", hash)).isTrue();
        assertThat(PasswordHashing.matches("correct horse battery stapl", hash)).isFalse();
        assertThat(PasswordHashing.hash("correct horse battery staple")).as("a new salt each time").isNotEqualTo(hash);
    }

    @Test
    void aKnownArgon2idVector_isReproduced() {
        // From the reference implementation (argon2 CLI): "password", salt "somesalt", m=65536, t=2, p=1.
        assertThat(PasswordHashing.matches("password",
                "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc")).isTrue();
    }

    @Test
    void somethingThatIsNotAnArgon2idString_matchesNoPassword() {
        assertThat(PasswordHashing.matches("x", "$2a$10$abcdefghijklmnopqrstuv")).isFalse();
        assertThat(PasswordHashing.matches("x", "$argon2id$v=19$m=99999999,t=2,p=1$c29tZXNhbHQ$AAAA")).isFalse();
        assertThat(PasswordHashing.matches("x", "")).isFalse();
    }
}
