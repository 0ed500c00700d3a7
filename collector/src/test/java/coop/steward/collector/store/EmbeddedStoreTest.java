package coop.steward.collector.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coop.steward.protocol.Reading;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EmbeddedStoreTest extends ReadingStoreContract {
    private static final String SITE = "food-forest";
    private static final int DEVICES = 20;
    @TempDir
    Path dir;

    @Override
    protected ReadingStore openStore() {
        return EmbeddedStore.open(dir, RETENTION);
    }

    @Override
    protected ReadingStore reopen(ReadingStore closed) {
        return EmbeddedStore.open(dir, RETENTION);
    }

    @Test
    void aNewFolder_keepsEachDevicesReadingsInOneOfTwoFiles_andAnswersForEveryDevice() throws Exception {
        Path folder = dir.resolve("new");
        try (EmbeddedStore embedded = EmbeddedStore.open(folder, RETENTION)) {
            assertThat(embedded.stores()).isEqualTo(2);
            assertThat(embedded.write(devices(0, 100), statuses("online"))).isEqualTo(DEVICES * 100L);
        }

        Set<String> first = devicesIn(folder.resolve("readings.db"));
        Set<String> second = devicesIn(folder.resolve(EmbeddedStore.SECOND).resolve("readings.db"));
        assertThat(first).as("devices in readings.db").isNotEmpty();
        assertThat(second).as("devices in the second file").isNotEmpty();
        assertThat(first).doesNotContainAnyElementsOf(second);
        assertThat(rowsIn(folder.resolve("readings.db")) + rowsIn(folder.resolve(EmbeddedStore.SECOND)
                .resolve("readings.db"))).isEqualTo(DEVICES * 100L);

        try (EmbeddedStore reopened = EmbeddedStore.open(folder, RETENTION)) {
            for (int d = 0; d < DEVICES; d++) {
                SeriesData data = reopened.query(SeriesQuery.raw(new SeriesKey(SITE, device(d), "soil-a"), T0,
                        T0 + 1_000_000, 1_000));
                assertThat(data.t()).as(device(d)).hasSize(100);
            }
            assertThat(reopened.sensors()).extracting(s -> s.key().device())
                    .containsExactlyElementsOf(sortedDevices());
            assertThat(reopened.devices()).extracting(DeviceStatus::device).containsExactlyElementsOf(sortedDevices());
            assertThat(reopened.devices()).extracting(DeviceStatus::state).containsOnly("online");
            assertThat(reopened.write(devices(0, 100), List.of())).as("every one stored before").isZero();
        }
    }

    @Test
    void aFolderMadeWithOneFile_keepsItsOneFile_andEveryDevicesHistory() {
        Path folder = dir.resolve("before");
        try (SqliteReadingStore before = SqliteReadingStore.open(folder, RETENTION)) {
            before.write(devices(0, 50), List.of());
        }

        try (EmbeddedStore embedded = EmbeddedStore.open(folder, RETENTION)) {
            assertThat(embedded.stores()).isEqualTo(1);
            assertThat(embedded.write(devices(0, 100), List.of())).as("the 50 after those stored before")
                    .isEqualTo(DEVICES * 50L);
            for (int d = 0; d < DEVICES; d++) {
                assertThat(embedded.query(SeriesQuery.raw(new SeriesKey(SITE, device(d), "soil-a"), T0,
                        T0 + 1_000_000, 1_000)).t()).as(device(d)).hasSize(100);
            }
        }
        assertThat(folder.resolve(EmbeddedStore.SECOND)).doesNotExist();
    }

    /** The first file's part is written on the caller's thread, the second's on a thread of the store's. */
    @ParameterizedTest(name = "file {0} full")
    @ValueSource(ints = {0, 1})
    void aWriteThatFailsInOneFile_storesEveryReadingOnce_whenWrittenAgain(int full) {
        Path folder = dir.resolve("full");
        EmbeddedStore embedded = EmbeddedStore.open(folder, RETENTION);
        try {
            embedded.write(devices(0, 10), List.of());
            long inFull = 0;
            for (int d = 0; d < DEVICES; d++) {
                inFull += embedded.shardOf(SITE, device(d)) == full ? 1_000 : 0;
            }
            embedded.shard(full).limitPages(1);

            // 1,000 readings a device: each file's part goes straight into its table, which has no room in one.
            assertThatThrownBy(() -> embedded.write(devices(10, 1_000), List.of()))
                    .isInstanceOf(StoreException.class).hasMessageContaining("full");
            embedded.shard(full).limitPages(1_000_000_000L);

            assertThat(embedded.write(devices(10, 1_000), List.of())).as("those the full file could not take")
                    .isEqualTo(inFull);
            for (int d = 0; d < DEVICES; d++) {
                SeriesData data = embedded.query(SeriesQuery.raw(new SeriesKey(SITE, device(d), "soil-a"), T0,
                        T0 + 10_000_000, 10_000));
                assertThat(data.t()).as(device(d)).hasSize(1_010).doesNotHaveDuplicates();
            }
        } finally {
            embedded.close();
        }
    }

    @Test
    void aFolderWhoseSecondFileWentMissing_isRefused_insteadOfLosingHalfItsDevices() throws Exception {
        Path folder = dir.resolve("copied");
        try (EmbeddedStore embedded = EmbeddedStore.open(folder, RETENTION)) {
            embedded.write(devices(0, 10), List.of());
        }
        // As a copy of the .db files alone would leave it.
        try (Stream<Path> files = Files.walk(folder.resolve(EmbeddedStore.SECOND))) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }

        assertThatThrownBy(() -> EmbeddedStore.open(folder, RETENTION)).isInstanceOf(StoreException.class)
                .hasMessageContaining(folder.resolve(EmbeddedStore.SECOND).toAbsolutePath().toString())
                .hasMessageContaining("missing").hasMessageContaining("Put it back");
        assertThat(folder.resolve(EmbeddedStore.SECOND)).doesNotExist();
    }

    @Test
    void aFolderWhoseSecondDatabaseWentMissing_isRefused_insteadOfStartingItEmpty() throws Exception {
        Path folder = dir.resolve("half-copied");
        try (EmbeddedStore embedded = EmbeddedStore.open(folder, RETENTION)) {
            embedded.write(devices(0, 10), List.of());
        }
        Path second = folder.resolve(EmbeddedStore.SECOND).resolve("readings.db");
        Files.delete(second);

        assertThatThrownBy(() -> EmbeddedStore.open(folder, RETENTION)).isInstanceOf(StoreException.class)
                .hasMessageContaining(second.toAbsolutePath().toString()).hasMessageContaining("missing");
        assertThat(second).doesNotExist();
    }

    @Test
    void aNewFolder_whoseSecondFileCannotBeMade_isRefusedWithTheFolderNamed() throws Exception {
        Path folder = dir.resolve("blocked");
        Files.createDirectories(folder);
        Files.writeString(folder.resolve(EmbeddedStore.SECOND), "not a folder");

        assertThatThrownBy(() -> EmbeddedStore.open(folder, RETENTION)).isInstanceOf(StoreException.class)
                .hasMessageContaining(folder.resolve(EmbeddedStore.SECOND).toAbsolutePath().toString());
    }

    private static String device(int d) {
        return "bed-" + d;
    }

    private static List<String> sortedDevices() {
        List<String> names = new ArrayList<>();
        for (int d = 0; d < DEVICES; d++) {
            names.add(device(d));
        }
        names.sort(null);
        return names;
    }

    /** {@code count} readings a device, one a second from {@code from} seconds past T0. */
    private static List<DeviceReadings> devices(int from, int count) {
        List<DeviceReadings> batches = new ArrayList<>();
        for (int d = 0; d < DEVICES; d++) {
            List<Reading> readings = new ArrayList<>();
            for (int i = from; i < from + count; i++) {
                readings.add(new Reading("soil-a", "soil_moisture", T0 + i * 1000L, i % 100, null));
            }
            batches.add(new DeviceReadings(SITE, device(d), readings, T0));
        }
        return batches;
    }

    private static List<DeviceStatus> statuses(String state) {
        List<DeviceStatus> statuses = new ArrayList<>();
        for (int d = 0; d < DEVICES; d++) {
            statuses.add(new DeviceStatus(SITE, device(d), state, T0));
        }
        return statuses;
    }

    private static Set<String> devicesIn(Path file) throws SQLException {
        Set<String> devices = new HashSet<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT DISTINCT device FROM series")) {
            while (rs.next()) {
                devices.add(rs.getString(1));
            }
        }
        return devices;
    }

    private static long rowsIn(Path file) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM reading")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }
}
