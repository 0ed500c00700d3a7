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
    void currentReadingsBuiltAheadOfAWriteOnItsWay_areStoredAndCounted_andTheDevicesLastContactIsTheLatest() {
        long now = System.currentTimeMillis();
        ReadingStore.Pending first = store.prepare(List.of(new DeviceReadings("food-forest", "bed-1",
                List.of(soil(now, 1), soil(now + 1000, 2)), now)), List.of()).orElseThrow().send();
        // Received earlier than the first (another connection's message): the device's last contact stays the later.
        ReadingStore.Prepared second = store.prepare(List.of(new DeviceReadings("food-forest", "bed-1",
                List.of(soil(now + 2000, 3)), now - 5000)), List.of()).orElseThrow();

        assertThat(first.finish()).isEqualTo(2);
        assertThat(second.send().finish()).isEqualTo(1);
        assertThat(store.query(SeriesQuery.raw(SOIL, now, now + 3000, 10)).value()).containsExactly(1.0, 2.0, 3.0);
        assertThat(store.devices()).extracting(DeviceStatus::lastSeen).containsExactly(now);
    }

    @Test
    void aWriteOnItsWayWhileInfluxIsStopped_fails_andWrittenAgainOnceItIsBack_storesAndCountsEveryReading() {
        long now = System.currentTimeMillis();
        List<DeviceReadings> batch = batch(soil(now, 1), soil(now + 1000, 2));
        ReadingStore.Prepared prepared = store.prepare(batch, List.of()).orElseThrow();
        server.stop();
        try {
            ReadingStore.Pending onItsWay = prepared.send();
            assertThatThrownBy(onItsWay::finish).isInstanceOf(StoreException.class).hasMessageContaining(server.url());
        } finally {
            server.restart();
        }

        assertThat(store.write(batch, List.of())).isEqualTo(2);
        assertThat(store.prepare(batch(soil(now + 2000, 3)), List.of()).orElseThrow().send().finish()).isEqualTo(1);
        assertThat(store.query(SeriesQuery.raw(SOIL, now, now + 3000, 10)).value()).containsExactly(1.0, 2.0, 3.0);
    }

    @Test
    void readingsThatMayBeStoredAlready_orLate_areNotBuiltAhead_andWrittenAfterwardKeepTheFirstCopy() {
        long now = System.currentTimeMillis();
        ReadingStore.Pending first = store.prepare(batch(soil(now, 1)), List.of()).orElseThrow().send();

        assertThat(store.prepare(batch(soil(now, 9), soil(now + 1000, 2)), List.of())).isEmpty();
        assertThat(store.prepare(List.of(new DeviceReadings("food-forest", "bed-1", List.of(new Reading("soil-b",
                "soil_moisture", InfluxQl.floorHour(now) - 2 * HOUR, 5, null)), now)), List.of())).isEmpty();
        first.finish();
        assertThat(store.write(batch(soil(now, 9), soil(now + 1000, 2)), List.of())).isEqualTo(1);
        assertThat(store.query(SeriesQuery.raw(SOIL, now, now + 2000, 10)).value()).containsExactly(1.0, 2.0);
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
    void openingADatabaseWhoseForeverPolicyExpiresData_failsAndSaysWhatToDo() {
        InfluxSettings expiring = new InfluxSettings(server.url(), "steward_expiring", null, null);
        try (InfluxConnection admin = InfluxConnection.connect(expiring)) {
            admin.query("CREATE DATABASE steward_expiring WITH DURATION 30d NAME forever");
        }

        assertThatThrownBy(() -> InfluxReadingStore.open(expiring, RETENTION))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("\"forever\"")
                .hasMessageContaining("DURATION INF");
    }

    @Test
    void schema_isOneValueFieldPerPoint_withKindAndUnitAsTags_inTheRetentionPoliciesTheDocsName() {
        store.write(batch(soil(T0, 30)), List.of());
        store.write(List.of(new DeviceReadings("food-forest", "bed-1",
                List.of(new Reading("raw-probe", "x_probe", T0, 2.5, null)), T0)), List.of());

        try (InfluxConnection admin = InfluxConnection.connect(settings)) {
            assertThat(rows(admin, "SHOW RETENTION POLICIES", "name", "duration", "default"))
                    .contains(List.of("raw", "2160h0m0s", "true"), List.of("forever", "0s", "false"));
            assertThat(rows(admin, "SHOW FIELD KEYS FROM \"raw\".\"reading\"", "fieldKey", "fieldType"))
                    .containsExactly(List.of("value", "float"));
            assertThat(rows(admin, "SHOW TAG KEYS FROM \"reading\"", "tagKey")).containsExactly(List.of("device"),
                    List.of("kind"), List.of("sensor"), List.of("site"), List.of("unit"));
            assertThat(rows(admin, "SHOW SERIES FROM \"reading\"", "key")).containsExactly(
                    List.of("reading,device=bed-1,kind=soil_moisture,sensor=soil-a,site=food-forest,unit=%"),
                    List.of("reading,device=bed-1,kind=x_probe,sensor=raw-probe,site=food-forest"));
            assertThat(continuousQueries(admin)).containsExactly(List.of(
                    "steward_reading_1h", "CREATE CONTINUOUS QUERY steward_reading_1h ON " + settings.database()
                            + " RESAMPLE EVERY 1h FOR 3h BEGIN SELECT min(value) AS min, max(value) AS max, "
                            + "sum(value) AS sum, count(value) AS count, last(value) AS last, mean(value) AS mean "
                            + "INTO " + settings.database() + ".forever.reading_1h FROM " + settings.database()
                            + ".raw.reading GROUP BY time(1h), * END"));
        }
    }

    @Test
    void aChangedRawRetention_altersThePolicyAtTheNextStart_andAChangedContinuousQueryIsSetBack() {
        try (InfluxConnection admin = InfluxConnection.connect(settings)) {
            admin.query("DROP CONTINUOUS QUERY steward_reading_1h ON " + settings.database());
            admin.query("CREATE CONTINUOUS QUERY steward_reading_1h ON " + settings.database()
                    + " BEGIN SELECT mean(value) INTO x FROM reading GROUP BY time(1d) END");
        }
        store.close();

        store = InfluxReadingStore.open(settings, java.time.Duration.ofDays(30));

        try (InfluxConnection admin = InfluxConnection.connect(settings)) {
            assertThat(rows(admin, "SHOW RETENTION POLICIES", "name", "duration"))
                    .contains(List.of("raw", "720h0m0s"));
            assertThat(continuousQueries(admin)).singleElement().asString().contains("RESAMPLE EVERY 1h FOR 3h", "INTO " + settings.database() + ".forever.reading_1h");
        }
    }

    @Test
    void theContinuousQuerysOwnStatement_rollsUpAnHourAsStewardsQueriesReadIt() {
        long hour = T0 - 5 * HOUR;
        store.write(batch(soil(hour + 60_000, 10), soil(hour + 120_000, 40), soil(hour + 600_000, 25)), List.of());
        try (InfluxConnection admin = InfluxConnection.connect(settings)) {
            admin.query("DROP SERIES FROM \"reading_1h\"");
            String cq = continuousQueries(admin).get(0).get(1);
            // What InfluxDB runs at each hour: the query's SELECT, limited to the hours it recomputes.
            String select = cq.substring(cq.indexOf("BEGIN ") + 6, cq.lastIndexOf(" END"))
                    .replace(" GROUP BY", " WHERE time >= " + hour + "ms AND time < " + (hour + HOUR) + "ms GROUP BY");
            admin.query(select);

            assertThat(rows(admin, "SELECT \"min\", \"max\", \"sum\", \"count\", \"last\", \"mean\" FROM "
                    + "\"forever\".\"reading_1h\"", "min", "max", "sum", "count", "last", "mean"))
                    .containsExactly(List.of("10.0", "40.0", "75.0", "3.0", "25.0", "25.0"));
        }
    }

    @Test
    void lateReadings_haveTheirHourRolledUpByUpkeep_evenWhenTheCollectorStopsBeforeIt() {
        long now = System.currentTimeMillis();
        long hour = InfluxQl.floorHour(now) - 30 * HOUR; // long before where upkeep starts on a new database
        store.write(batch(soil(hour + 60_000, 10), soil(hour + 120_000, 40)), List.of());
        store.close();
        store = reopen(store);

        store.maintain(now);

        try (InfluxConnection admin = InfluxConnection.connect(settings)) {
            assertThat(rollup(admin, hour)).containsExactly(List.of("2.0", "50.0"));
        }
    }

    @Test
    void aReplayOfLateReadings_afterAWriteThatDiedBeforeNotingThem_stillHasItsHourRolledUp() {
        long now = System.currentTimeMillis();
        long hour = InfluxQl.floorHour(now) - 30 * HOUR;
        store.write(batch(soil(hour + 60_000, 10), soil(hour + 120_000, 40)), List.of());
        store.close();
        try (InfluxConnection admin = InfluxConnection.connect(settings)) {
            // As if the write had stored its raw readings and died before its mark for upkeep.
            admin.query("DELETE FROM \"steward_late\"");
            store = reopen(store);

            assertThat(store.write(batch(soil(hour + 60_000, 10), soil(hour + 180_000, 5)), List.of())).isEqualTo(1);
            store.maintain(now);

            assertThat(rollup(admin, hour)).containsExactly(List.of("3.0", "55.0"));
        }
    }

    @Test
    void lateReadingsOfABurst_haveTheirHoursRolledUpOnce_whenTheWriterSettles() {
        long hour = InfluxQl.floorHour(System.currentTimeMillis()) - 30 * HOUR;
        store.write(batch(soil(hour + 60_000, 10)), List.of());
        store.write(batch(soil(hour + 120_000, 40), soil(hour + HOUR + 60_000, 7)), List.of());

        store.settle();

        try (InfluxConnection admin = InfluxConnection.connect(settings)) {
            assertThat(rollup(admin, hour)).containsExactly(List.of("2.0", "50.0"));
            assertThat(rollup(admin, hour + HOUR)).containsExactly(List.of("1.0", "7.0"));
        }
    }

    @Test
    void lateReadingsWrittenByOneCollectorOfAGroup_haveTheirHourRolledUpByAnothersUpkeep() {
        long now = System.currentTimeMillis();
        long hour = InfluxQl.floorHour(now) - 30 * HOUR;
        store.maintain(now);
        try (InfluxReadingStore other = InfluxReadingStore.open(settings, RETENTION);
             InfluxConnection admin = InfluxConnection.connect(settings)) {
            other.write(batch(soil(hour + 60_000, 10), soil(hour + 120_000, 40)), List.of());

            store.maintain(now);

            assertThat(rollup(admin, hour)).containsExactly(List.of("2.0", "50.0"));
        }
    }

    @Test
    void lateReadingsNearTheRawRetentionsEdge_haveTheirHourRolledUpBeforeTheWriteReturns() {
        long now = System.currentTimeMillis();
        // Still taken into raw, but InfluxDB may drop it before the next upkeep.
        long hour = InfluxQl.floorHour(now - RETENTION.toMillis()) + 3 * HOUR;
        store.write(batch(soil(hour + 60_000, 10), soil(hour + 120_000, 40)), List.of());

        assertThat(store.query(SeriesQuery.raw(SOIL, hour, hour + HOUR, 10)).value()).containsExactly(10.0, 40.0);
        try (InfluxConnection admin = InfluxConnection.connect(settings)) {
            assertThat(rollup(admin, hour)).containsExactly(List.of("2.0", "50.0"));
        }
    }

    @Test
    void upkeep_rollsUpHoursTheContinuousQueryNeverRan() {
        long now = System.currentTimeMillis();
        long hour = InfluxQl.floorHour(now) + 2 * HOUR; // current to the writer, and no run of the query reaches it
        store.write(batch(soil(hour + 60_000, 7), soil(hour + 120_000, 9)), List.of());
        try (InfluxConnection admin = InfluxConnection.connect(settings)) {
            assertThat(rollup(admin, hour)).isEmpty();

            store.maintain(hour + 5 * HOUR);

            assertThat(rollup(admin, hour)).containsExactly(List.of("2.0", "16.0"));
        }
    }

    private static List<List<String>> rollup(InfluxConnection admin, long hour) {
        return rows(admin, "SELECT \"count\", \"sum\" FROM \"forever\".\"reading_1h\" WHERE time = " + hour
                + "ms", "count", "sum");
    }

    /** This database's continuous queries: name and query. */
    private List<List<String>> continuousQueries(InfluxConnection admin) {
        List<List<String>> all = new ArrayList<>();
        for (InfluxRows rows : admin.query("SHOW CONTINUOUS QUERIES")) {
            for (int i = 0; i < rows.size() && settings.database().equals(rows.name()); i++) {
                all.add(List.of(rows.text(i, "name"), rows.text(i, "query")));
            }
        }
        return all;
    }

    /** The named columns of every row of every series the statement answers, as text. */
    static List<List<String>> rows(InfluxConnection admin, String statement, String... columns) {
        List<List<String>> all = new ArrayList<>();
        for (InfluxRows rows : admin.query(statement)) {
            for (int i = 0; i < rows.size(); i++) {
                List<String> row = new ArrayList<>();
                for (String column : columns) {
                    row.add(rows.text(i, column));
                }
                all.add(row);
            }
        }
        return all;
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
