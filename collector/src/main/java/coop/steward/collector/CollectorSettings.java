package coop.steward.collector;

import coop.steward.collector.ingest.IngestSettings;
import java.nio.file.Path;

/** Everything the collector needs to start, checked by whoever builds it from the command line. */
public record CollectorSettings(IngestSettings ingest, String httpHost, int httpPort, Path dataDir) {
}
