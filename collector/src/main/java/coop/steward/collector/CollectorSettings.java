package coop.steward.collector;

import coop.steward.collector.ingest.IngestSettings;
import coop.steward.collector.store.SqliteReadingStore;
import java.nio.file.Path;
import java.time.Duration;

/** Everything the collector needs to start, checked by whoever builds it from the command line. */
public record CollectorSettings(IngestSettings ingest, String httpHost, int httpPort, Path dataDir,
                                Duration rawRetention) {
    public CollectorSettings(IngestSettings ingest, String httpHost, int httpPort, Path dataDir) {
        this(ingest, httpHost, httpPort, dataDir, SqliteReadingStore.DEFAULT_RAW_RETENTION);
    }
}
