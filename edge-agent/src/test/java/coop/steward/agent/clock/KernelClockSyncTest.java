package coop.steward.agent.clock;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelClockSyncTest {
    @TempDir
    Path timesyncd;

    @Test
    void withTimesyncdRunning_theClockIsSynchronisedOnceItCreatesItsFlagFile() throws Exception {
        ClockSync sync = KernelClockSync.detect(timesyncd);
        assertThat(sync.isSynchronised()).isFalse();

        Files.createFile(timesyncd.resolve("synchronized"));

        assertThat(sync.isSynchronised()).isTrue();
    }

    @Test
    void timekeeping_reportsTheMomentOfSynchronisationOnce_andStaysSynchronised() {
        boolean[] kernel = {false};
        Timekeeping time = new Timekeeping(java.time.Clock.systemUTC(), MonotonicClock.system(), () -> kernel[0]);

        assertThat(time.checkJustSynchronised()).isFalse();
        kernel[0] = true;
        assertThat(time.checkJustSynchronised()).isTrue();
        kernel[0] = false; // the kernel's flag drops after a long time without NTP; the clock stays close
        assertThat(time.checkJustSynchronised()).isFalse();
        assertThat(time.isSynchronised()).isTrue();
    }

    @Test
    void systemMonotonicClock_knowsThisBootsId() {
        assertThat(MonotonicClock.system().bootId()).isNotBlank();
    }
}
