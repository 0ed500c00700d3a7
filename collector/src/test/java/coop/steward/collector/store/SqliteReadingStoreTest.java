package coop.steward.collector.store;

import java.nio.file.Path;
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
}
