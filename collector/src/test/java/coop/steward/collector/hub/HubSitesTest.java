package coop.steward.collector.hub;

import static org.assertj.core.api.Assertions.assertThat;

import coop.steward.protocol.ForwardReport;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HubSitesTest {
    private static final long T = 1_764_000_000_000L;
    private final HubSites sites = new HubSites();

    @Test
    void aSiteIsHeard_fromItsLinksReturn_andNotWhileItsReportsHaveStopped() {
        sites.reported("orchard", report(T), T);
        sites.reported("orchard", report(T + 5_000), T + 5_000);
        assertThat(sites.listeningSince("orchard", T - 60_000, T + 10_000)).as("linked since its first report")
                .isEqualTo(T);
        assertThat(sites.listeningSince("orchard", T - 60_000, T + 40_000)).as("no report for 35 s").isEqualTo(-1);

        sites.reported("orchard", report(T + 600_000), T + 600_000); // the link is back after ten minutes
        assertThat(sites.listeningSince("orchard", T - 60_000, T + 601_000)).isEqualTo(T + 600_000);
        assertThat(sites.sites(T + 601_000)).extracting(HubSites.Site::state).containsExactly("connected");
    }

    @Test
    void aSiteThatNeverReported_isHeardWheneverTheBrokerIs_andAReportResentByTheBrokerChangesNothing() {
        assertThat(sites.listeningSince("home", T, T + 1_000)).isEqualTo(T);
        assertThat(sites.listeningSince("home", -1, T + 1_000)).isEqualTo(-1);

        sites.reported("orchard", report(T + 5_000), T + 5_000);
        sites.reported("orchard", report(T), T + 6_000); // the retained one again, older
        assertThat(sites.sites(T + 6_000).get(0).lastSeen()).isEqualTo(T + 5_000);
    }

    @Test
    void theLag_isFromTheOldestWaitingReading_orFromTheLastReportOnceTheLinkIsDown() {
        sites.reported("orchard", new ForwardReport(1, T, "everything", Map.of(), 500, 50, T - 120_000, 2_000, 0),
                T);
        assertThat(sites.sites(T + 1_000).get(0).lagMs()).isEqualTo(121_000);
        sites.reported("orchard", report(T + 5_000), T + 5_000);
        assertThat(sites.sites(T + 6_000).get(0).lagMs()).as("connected, nothing waits").isZero();
        assertThat(sites.sites(T + 65_000).get(0).lagMs()).as("offline: since its last report").isEqualTo(60_000);
    }

    private static ForwardReport report(long t) {
        return new ForwardReport(1, t, "everything", Map.of(), 0, 0, null, 2_000, 0);
    }
}
