package coop.steward.collector.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HubMembersTest {
    private static final byte[] ALIVE = "alive".getBytes(StandardCharsets.UTF_8);

    private static HubMembers member(String me, String... others) {
        HubMembers members = new HubMembers("hub", me);
        for (String other : others) {
            members.heard(members.membersFilter().replace("+", other), ALIVE);
        }
        return members;
    }

    @Test
    void aCollectorAlone_neverRests_sinceTheBrokerWouldDropWhatNobodyTakes() {
        assertThat(member("collector-b").mayRest()).isFalse();
    }

    @Test
    void ofMembersFallingBehindTogether_theFirstByIdNeverRests_soTheSharedSubscriptionsKeepATaker() {
        assertThat(member("collector-a", "collector-b", "collector-c").mayRest()).isFalse();
        assertThat(member("collector-b", "collector-a", "collector-c").mayRest()).isTrue();
        assertThat(member("collector-c", "collector-a", "collector-b").mayRest()).isTrue();
    }

    @Test
    void whenTheFirstLeaves_theNextBecomesTheOneThatNeverRests() {
        HubMembers b = member("collector-b", "collector-a", "collector-c");

        b.heard(b.membersFilter().replace("+", "collector-a"), new byte[0]);

        assertThat(b.mayRest()).isFalse();
    }
}
