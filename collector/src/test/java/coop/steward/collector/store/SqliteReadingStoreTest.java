package coop.steward.collector.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import coop.steward.protocol.Reading;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteReadingStoreTest extends ReadingStoreContract {
    @TempDir
    Path dir;

    @Override
    protected ReadingStore openStore() {
        return SqliteReadingStore.open(dir, RETENTION);
    }

    @Override
    protected ReadingStore reopen(ReadingStore closed) {
        return SqliteReadingStore.open(dir, RETENTION);
    }

    @Test
    void afterTheDiskWasFull_writesCommitAgain_onceThereIsRoom() {
        SqliteReadingStore sqlite = SqliteReadingStore.open(dir.resolve("full"), RETENTION);
        try {
            sqlite.write(List.of(batch(0, 100)), List.of());
            sqlite.limitPages(1);

            assertThatThrownBy(() -> sqlite.write(List.of(batch(100, 20_000)), List.of()))
                    .isInstanceOf(StoreException.class).hasMessageContaining("full");
            sqlite.limitPages(1_000_000_000L);

            assertThat(sqlite.write(List.of(batch(100, 20_000)), List.of())).isEqualTo(20_000);
        } finally {
            sqlite.close();
        }
        try (SqliteReadingStore reopened = SqliteReadingStore.open(dir.resolve("full"), RETENTION)) {
            assertThat(reopened.write(List.of(batch(0, 20_100)), List.of())).as("all were stored before").isZero();
        }
    }

    @Test
    void committedPages_reachTheDatabaseFile_inTheBackground_whileTheStoreStaysOpen() throws Exception {
        Path folder = dir.resolve("checkpoints");
        long threadsBefore = checkpointThreads();
        try (SqliteReadingStore sqlite = SqliteReadingStore.open(folder, RETENTION)) {
            long before = Files.size(folder.resolve("readings.db"));
            // 300 commits to 50 series pass the background checkpoint's 1,000 pages of log and stay far below the
            // writer's own checkpoint (16,000 pages), which would not copy anything this soon.
            for (int commit = 0; commit < 300; commit++) {
                List<DeviceReadings> batches = new ArrayList<>();
                for (int device = 0; device < 50; device++) {
                    batches.add(new DeviceReadings("food-forest", "bed-" + device, List.of(new Reading("soil-a",
                            "soil_moisture", T0 + commit * 60_000L, commit, null)), T0));
                }
                sqlite.write(batches, List.of());
            }
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(Files.size(folder.resolve("readings.db"))).isGreaterThan(before + 100 * 1024));
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(checkpointThreads()).as("threads left running after close").isEqualTo(threadsBefore));
    }

    private static long checkpointThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("steward-store-checkpoint") && t.isAlive()).count();
    }

    private static DeviceReadings batch(int from, int count) {
        List<Reading> readings = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            readings.add(new Reading("soil-a", "soil_moisture", T0 + i * 1000L, i % 100, null));
        }
        return new DeviceReadings("food-forest", "bed-1", readings, T0);
    }
}
