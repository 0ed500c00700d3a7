package coop.steward.collector.presence;

import static org.assertj.core.api.Assertions.assertThat;

import coop.steward.collector.store.DeviceStatus;
import org.junit.jupiter.api.Test;

class PresenceTest {
    private static final long T0 = 1_764_000_000_000L;
    private final Presence presence = new Presence();

    private static DeviceStatus online(Long lastSeen) {
        return new DeviceStatus("food-forest", "bed-1", "online", lastSeen);
    }

    @Test
    void onlineDevice_silentForMoreThanThreeOfItsIntervals_isOffline() {
        for (int i = 0; i <= 5; i++) {
            presence.heard("food-forest", "bed-1", T0 + i * 10_000L); // every 10 s
        }
        long last = T0 + 50_000;

        assertThat(presence.state(online(last), last + 30_000)).isEqualTo("online");
        assertThat(presence.state(online(last), last + 30_001)).isEqualTo("offline");
    }

    @Test
    void rarelyReportingDevice_isJudgedAgainstTheMinuteItsStatusTakes() {
        for (int i = 0; i <= 3; i++) {
            presence.heard("food-forest", "bed-1", T0 + i * 600_000L); // every 10 min
        }
        long last = T0 + 1_800_000;

        assertThat(presence.state(online(last), last + 180_000)).isEqualTo("online");
        assertThat(presence.state(online(last), last + 180_001)).isEqualTo("offline");
    }

    @Test
    void aBurstOfMessages_doesNotMakeTheDeviceLookOfflineAfterAMomentsQuiet() {
        for (int i = 0; i <= 5; i++) {
            presence.heard("food-forest", "bed-1", T0 + i * 5L); // a status and a replayed outbox, 5 ms apart
        }
        long last = T0 + 25;

        assertThat(presence.state(online(last), last + 29_000)).isEqualTo("online");
        assertThat(presence.state(online(last), last + 30_001)).isEqualTo("offline");
    }

    @Test
    void afterACollectorRestart_theStoredLastSeenCounts() {
        assertThat(presence.state(online(T0), T0 + 170_000)).isEqualTo("online");
        assertThat(presence.state(online(T0), T0 + 190_000)).isEqualTo("offline");
    }

    @Test
    void devicesThatSaidOfflineOrNeverSaid_keepTheirWord() {
        assertThat(presence.state(new DeviceStatus("a", "b", "offline", T0), T0)).isEqualTo("offline");
        assertThat(presence.state(new DeviceStatus("a", "b", "unknown", null), T0 + 999_999)).isEqualTo("unknown");
    }
}
