package coop.steward.collector.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded store's promise to the collector, which acknowledges a message once its write returns: an
 * acknowledged reading survives the process being killed, whether its write went to the journal or the table.
 * (Power cuts rest on the journal's and SQLite's fsync, which a test cannot cut.)
 */
class StoreKillTest {
    static final long T0 = 1_764_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void everyWriteThatReturned_isStoredOnce_afterKillMinus9_andTheJournalIsEmptyAgain() throws Exception {
        long lastCommitted = writeUntilKilled();

        try (SqliteReadingStore reopened = SqliteReadingStore.open(dir)) {
            assertThat(storedOnce(reopened, List.of("writer"), lastCommitted)).as("every reading whose write returned")
                    .isEqualTo(lastCommitted + 1);
            assertThat(IngestJournal.read(dir)).as("moved into the table when the store opened").isEmpty();
        }
    }

    @Test
    void inTwoFiles_everyWriteThatReturned_isStoredOnce_afterKillMinus9_andBothJournalsAreEmptyAgain()
            throws Exception {
        long lastCommitted = writeUntilKilled("two-files");

        try (EmbeddedStore reopened = EmbeddedStore.open(dir)) {
            assertThat(reopened.stores()).isEqualTo(2);
            List<String> devices = JournalingWriter.devices(reopened);
            assertThat(storedOnce(reopened, devices, lastCommitted)).as("every reading whose write returned")
                    .isEqualTo(lastCommitted + 1);
            assertThat(IngestJournal.read(dir)).as("readings.db's journals").isEmpty();
            assertThat(IngestJournal.read(dir.resolve(EmbeddedStore.SECOND))).as("the second file's journals")
                    .isEmpty();
        }
    }

    /**
     * Runs a {@link JournalingWriter} until it has written three moves' worth of readings (journaled, moved into the
     * table, and written there directly), kills it with SIGKILL mid-stream, and returns the last reading whose write
     * it saw return.
     */
    private long writeUntilKilled(String... options) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                JournalingWriter.class.getName(), dir.toString()));
        command.addAll(List.of(options));
        Process writer = new ProcessBuilder(command)
                .redirectError(dir.resolveSibling(dir.getFileName() + "-writer.err").toFile())
                .start();
        long lastCommitted = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while (lastCommitted < 3 * SqliteReadingStore.MOVE_AT * (options.length + 1)
                    && (line = out.readLine()) != null) {
                if (line.startsWith("committed ")) {
                    lastCommitted = Long.parseLong(line.substring("committed ".length()));
                }
            }
            writer.destroyForcibly(); // SIGKILL, mid-stream: what it printed after the last line read is not seen
            assertThat(writer.waitFor(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            writer.destroyForcibly();
        }
        assertThat(lastCommitted).as("journaled, moved into the table, and written there directly")
                .isGreaterThanOrEqualTo(3L * SqliteReadingStore.MOVE_AT * (options.length + 1));
        return lastCommitted;
    }

    /**
     * How many readings up to {@code lastCommitted} the store holds for {@code devices}, checking that each hour's
     * count, rolled up or not, equals its raw readings.
     */
    private static long storedOnce(ReadingStore store, List<String> devices, long lastCommitted) {
        long stored = 0;
        for (String device : devices) {
            for (int sensor = 0; sensor < 10; sensor++) {
                SeriesData data = store.query(SeriesQuery.raw(new SeriesKey(JournalingWriter.SITE, device,
                        "s" + sensor), T0, T0 + (lastCommitted + 1_000_000) * 1_000, 1_000_000));
                Map<Long, Long> rawPerHour = new TreeMap<>();
                for (long t : data.t()) {
                    stored += (t - T0) / 1_000 <= lastCommitted ? 1 : 0;
                    rawPerHour.merge(SqliteRollups.floorHour(t), 1L, Long::sum);
                }
                // Hours before the roll-up mark are answered from roll-ups: a reading a crash had them count
                // twice, or not at all, shows here.
                SeriesData hourly = store.query(new SeriesQuery(data.key(), SqliteRollups.floorHour(T0),
                        T0 + (lastCommitted + 1_000_000) * 1_000, Aggregation.COUNT, SqliteRollups.HOUR, 100_000));
                Map<Long, Long> countPerHour = new TreeMap<>();
                for (int i = 0; i < hourly.t().length; i++) {
                    countPerHour.put(hourly.t()[i], (long) hourly.value()[i]);
                }
                assertThat(countPerHour).as("%s s%d: hourly counts, rolled up or not, equal its raw readings",
                        device, sensor).isEqualTo(rawPerHour);
            }
        }
        return stored;
    }
}
