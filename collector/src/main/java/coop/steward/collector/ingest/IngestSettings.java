package coop.steward.collector.ingest;

/** How the collector talks to its broker. The password never comes from the command line. */
public record IngestSettings(String brokerUrl, String clientId, String username, String password,
                             int maxPendingMessages, int maxReadingsPerTransaction) {
}
