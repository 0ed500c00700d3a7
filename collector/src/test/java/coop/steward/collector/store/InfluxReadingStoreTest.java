package coop.steward.collector.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coop.steward.protocol.Reading;
import coop.steward.testsupport.InfluxServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The contract against a real InfluxDB (Debian's 1.6.7 here), one database per test; then what only it has. */
class InfluxReadingStoreTest extends ReadingStoreContract {
    private static final long T0 = 1_764_000_000_000L; // on the hour
    private static final long HOUR = 3_600_000L;
    private static final SeriesKey SOIL = new SeriesKey("food-forest", "bed-1", "soil-a");
    private static final AtomicInteger DATABASES = new AtomicInteger();

    @TempDir
    static Path dir;
    static InfluxServer server;

    private InfluxSettings settings;

    @BeforeAll
    static void startInflux() {
        server = InfluxServer.start(dir.resolve("influxdb"));
    }

    @AfterAll
    static void stopInflux() {
        server.stop();
    }

    @Override
    protected ReadingStore openStore() {
        settings = new InfluxSettings(server.url(), "steward_test_" + DATABASES.incrementAndGet(), null, null);
        return InfluxReadingStore.open(settings, RETENTION);
    }

    @Override
    protected ReadingStore reopen(ReadingStore closed) {
        return InfluxReadingStore.open(settings, RETENTION);
    }

    private static Reading soil(long t, double value) {
        return new Reading("soil-a", "soil_moisture", t, value, null);
    }

    private static List<DeviceReadings> batch(Reading... readings) {
        return List.of(new DeviceReadings("food-forest", "bed-1", List.of(readings), T0));
    }

    @Test
    void write_whileInfluxIsDown_failsWithAStoreException_andSucceedsAfterRestart() {
        List<DeviceReadings> batch = batch(soil(T0, 30), soil(T0 + 1000, 31));
        server.stop();
        try {
            assertThatThrownBy(() -> store.write(batch, List.of()))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining(server.url())
                    .hasMessageContaining("Check that InfluxDB is running");
            assertThatThrownBy(store::ping).isInstanceOf(StoreException.class).hasMessageContaining(server.url());
        } finally {
            server.restart();
        }

        assertThat(store.write(batch, List.of())).isEqualTo(2);
        assertThat(store.write(batch, List.of())).isZero();
        assertThat(store.query(SeriesQuery.raw(SOIL, 0, T0 + 10_000, 100)).value()).containsExactly(30.0, 31.0);
        store.ping();
    }

    @Test
    void largeBatchWrittenTwice_isStoredOnce_andCountsNothingNewTheSecondTime() {
        List<Reading> readings = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            readings.add(soil(T0 + i * 1000L, i % 100));
        }
        List<DeviceReadings> batch = List.of(new DeviceReadings("food-forest", "bed-1", readings, T0));

        assertThat(store.write(batch, List.of())).isEqualTo(20_000);
        assertThat(store.write(batch, List.of())).isZero();
        assertThat(store.query(SeriesQuery.raw(SOIL, 0, Long.MAX_VALUE, 30_000)).t()).hasSize(20_000);
    }

    @Test
    void replaysAndNewReadings_inOneBatch_countOnlyTheNew_andKeepTheFirstCopies() {
        long day = 86_400_000L;
        store.write(batch(soil(T0 - day, 1), soil(T0 - day + 60_000, 2), soil(T0, 3)), List.of());

        long added = store.write(batch(soil(T0 - day, 9), soil(T0 - day + 60_000, 9), soil(T0 - day / 2, 4),
                soil(T0, 9), soil(T0 + 1000, 5), soil(T0 + 1000, 9)), List.of());

        assertThat(added).isEqualTo(2);
        assertThat(store.query(SeriesQuery.raw(SOIL, 0, T0 + 2000, 10)).value())
                .containsExactly(1.0, 2.0, 4.0, 3.0, 5.0);
    }

    @Test
    void aggregatedQuery_overTheLimit_isTruncatedAndSaysSo() {
        store.write(batch(soil(T0, 1), soil(T0 + 120_000, 2), soil(T0 + 240_000, 3)), List.of());

        SeriesData data = store.query(new SeriesQuery(SOIL, T0, T0 + 600_000, Aggregation.MAX, 60_000, 2));

        assertThat(data.t()).containsExactly(T0, T0 + 120_000);
        assertThat(data.truncated()).isTrue();
    }

    @Test
    void readingsFromBeforeTheSeal_areDropped_butASeriesNewSinceMaintenanceKeepsThem() {
        long now = T0;
        long old = now - RETENTION.toMillis() - 10 * HOUR;
        SeriesKey newcomer = new SeriesKey("food-forest", "bed-1", "soil-b");
        store.write(batch(soil(old + 60_000, 10), soil(old + 120_000, 30)), List.of());
        store.maintain(now);

        assertThat(store.write(batch(soil(old + 180_000, 50), soil(now - HOUR, 60)), List.of())).isEqualTo(1);
        assertThat(store.write(batch(new Reading("soil-b", "soil_moisture", old, 70, null)), List.of())).isEqualTo(1);
        store.maintain(now + 60_000);

        assertThat(store.query(SeriesQuery.raw(SOIL, 0, now - HOUR, 100)).t()).isEmpty();
        assertThat(store.query(new SeriesQuery(SOIL, old - HOUR, old + 2 * HOUR, Aggregation.COUNT, HOUR, 10)).value())
                .containsExactly(2.0);
        assertThat(store.query(new SeriesQuery(newcomer, old - HOUR, old + 2 * HOUR, Aggregation.SUM, HOUR, 10))
                .value()).containsExactly(70.0);
        assertThat(store.write(batch(new Reading("soil-b", "soil_moisture", old + 1, 80, null)), List.of()))
                .isZero();
    }

    @Test
    void maintenance_isRepeatable_andKeepsSeriesKnownAfterTheirRawReadingsGo() {
        long now = T0; // 16:00 UTC
        long old = now - RETENTION.toMillis() - 30 * HOUR; // 10:00 UTC
        store.write(batch(soil(old, 10), soil(old + HOUR, 20), soil(old + 25 * HOUR, 30)), List.of());

        store.maintain(now);
        store.maintain(now);
        store.close();
        store = reopen(store);
        store.maintain(now + HOUR);

        SeriesData daily = store.query(new SeriesQuery(SOIL, old - 86_400_000L, now, Aggregation.SUM, 86_400_000L,
                10));
        assertThat(daily.t()).containsExactly(old - 10 * HOUR, old + 14 * HOUR);
        assertThat(daily.value()).containsExactly(30.0, 30.0);
        assertThat(daily.kind()).isEqualTo("soil_moisture");
        assertThat(store.sensors()).containsExactly(new SensorSummary(SOIL, "soil_moisture", "%", null));
    }

    @Test
    void oddCharactersInIdsAndUnits_roundTrip() {
        SeriesKey odd = new SeriesKey("a site, with=signs", "it's \"quoted\"", "back\\slash x");
        store.write(List.of(new DeviceReadings(odd.site(), odd.device(),
                List.of(new Reading(odd.sensor(), "x_odd", T0, 1.5, "m\"u, =\\")), T0)), List.of());

        SeriesData data = store.query(SeriesQuery.raw(odd, 0, T0 + 1, 10));

        assertThat(data.value()).containsExactly(1.5);
        assertThat(data.unit()).isEqualTo("m\"u, =\\");
        assertThat(store.sensors()).extracting(SensorSummary::key).containsExactly(odd);
        assertThat(store.devices()).extracting(DeviceStatus::device).containsExactly(odd.device());
    }

    @Test
    void devices_keepTheLatestLastSeen_andTheLastState() {
        store.write(List.of(new DeviceReadings("food-forest", "bed-1", List.of(soil(T0, 1)), T0 + 5000)),
                List.of(new DeviceStatus("food-forest", "bed-1", "online", T0)));
        store.write(List.of(), List.of(new DeviceStatus("food-forest", "bed-1", "offline", T0 + 1000)));
        store.write(List.of(new DeviceReadings("food-forest", "pump", List.of(), T0)), List.of());

        assertThat(store.devices()).containsExactly(
                new DeviceStatus("food-forest", "bed-1", "offline", T0 + 5000),
                new DeviceStatus("food-forest", "pump", DeviceStatus.UNKNOWN, T0));
    }

    @Test
    void openingADatabaseWhoseDefaultPolicyExpiresData_failsAndSaysWhatToDo() {
        InfluxSettings expiring = new InfluxSettings(server.url(), "steward_expiring", null, null);
        try (InfluxConnection admin = InfluxConnection.connect(expiring)) {
            admin.query("CREATE DATABASE steward_expiring WITH DURATION 30d NAME month");
        }

        assertThatThrownBy(() -> InfluxReadingStore.open(expiring, RETENTION))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("\"month\"")
                .hasMessageContaining("DURATION INF");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "http://localhost:8086/steward | http://localhost:8086 | steward",
            "https://influx.example.org:443/hub_2 | https://influx.example.org:443 | hub_2",
            "HTTP://127.0.0.1:18086/a-b | http://127.0.0.1:18086 | a-b",
            "http://[::1]:8086/steward/ | http://[::1]:8086 | steward"})
    void settings_parseTheServerAndTheDatabase(String url, String server, String database) {
        InfluxSettings parsed = InfluxSettings.parse(url, "collector", "secret");

        assertThat(parsed.url()).isEqualTo(server);
        assertThat(parsed.database()).isEqualTo(database);
        assertThat(parsed.username()).isEqualTo("collector");
        assertThat(parsed.toString()).doesNotContain("secret");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
            "localhost:8086/steward | scheme",
            "tcp://localhost:8086/steward | 'tcp'",
            "http://localhost/steward | no port",
            "http://localhost:0/steward | port 0",
            "http://localhost:8086 | no database",
            "http://localhost:8086/ | no database",
            "http://localhost:8086/my.db | 'my.db'",
            "http://localhost:8086/a/b | 'a/b'",
            "http://user:pw@localhost:8086/steward | username or password",
            "http://localhost:8086/steward?rp=x | query",
            "http://local host:8086/steward | not a URL",
            "'' | empty"})
    void settings_rejectABadUrl_namingTheBadPart_andTheFormToWrite(String url, String named) {
        assertThatThrownBy(() -> InfluxSettings.parse(url, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(named)
                .hasMessageContaining("http://host:port/database");
    }
}
