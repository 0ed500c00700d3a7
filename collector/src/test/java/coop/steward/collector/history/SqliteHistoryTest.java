package coop.steward.collector.history;

import coop.steward.collector.store.ReadingStore;
import coop.steward.collector.store.SqliteReadingStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteHistoryTest extends HistoryContract {
    @TempDir
    Path dir;

    @Override
    protected ReadingStore openStore() {
        return SqliteReadingStore.open(dir, RETENTION);
    }
}
