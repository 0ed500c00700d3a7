package coop.steward.collector.history;

import coop.steward.collector.store.InfluxReadingStore;
import coop.steward.collector.store.InfluxSettings;
import coop.steward.collector.store.ReadingStore;
import coop.steward.testsupport.InfluxServer;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The history contract against a real InfluxDB (Debian's 1.6.7 here), one database per test. */
class InfluxHistoryTest extends HistoryContract {
    private static final AtomicInteger DATABASES = new AtomicInteger();

    @TempDir
    static Path dir;
    static InfluxServer server;

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
        return InfluxReadingStore.open(new InfluxSettings(server.url(), "steward_history_"
                + DATABASES.incrementAndGet(), null, null), RETENTION);
    }
}
