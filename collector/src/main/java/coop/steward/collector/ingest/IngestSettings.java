package coop.steward.collector.ingest;

import coop.steward.config.TlsFiles;

/**
 * How the collector talks to its broker. The password never comes from the command line.
 *
 * @param maxPendingMessages        past this many messages waiting for the store, QoS 0 messages are dropped and
 *                                  listed (QoS 1 ones never are)
 * @param maxReadingsPerTransaction the most readings one store transaction takes, if the store takes as many
 * @param maxPendingBytes           past this many payload bytes waiting for the store, intake pauses and the broker
 *                                  keeps what follows, until half of them are stored
 * @param tls                       the certificate files for an {@code ssl://} broker, or null for the system's CAs
 *                                  and no client certificate
 * @param commandUsername           the account that sends devices the dashboard's commands (under
 *                                  {@code bin/steward identities}, {@code collector-commands}); null for
 *                                  {@code username}
 */
public record IngestSettings(String brokerUrl, String clientId, String username, String password,
                             int maxPendingMessages, int maxReadingsPerTransaction, long maxPendingBytes,
                             TlsFiles tls, String commandUsername, String commandPassword) {
    /**
     * A broker's in-flight window should keep the collector far below this, but Mosquitto 2.0.11 was seen here
     * sending 8,000 unacknowledged messages with max_inflight_messages 1000 under a burst.
     */
    public static final long DEFAULT_MAX_PENDING_BYTES = 64L * 1024 * 1024;
    /**
     * The most readings a store transaction takes, on either store: each store also says how many suit it
     * ({@link coop.steward.collector.store.ReadingStore#readingsPerWrite}), and a transaction takes no more than the
     * smaller. Under load a transaction takes all that arrived while the one before committed, and its costs that do
     * not grow with its readings (SQLite's sync of its log and the table pages a write touches, which fill with more
     * rows; InfluxDB's wait for its slowest request) are shared by more: in bin/bench's ingest on this project's
     * 2-core machine, 50,000 instead of 20,000 took the embedded store from about 320,000 readings a second to about
     * 430,000, and InfluxDB from about 230,000 to about 350,000 (docs/benchmarks.md). A broker with
     * docs/deployment.md's in-flight window (1,000 messages) sends 50,000 readings of 50-reading messages before it
     * waits for acknowledgements: there, only larger messages fill a larger transaction. 200,000 lets each of the
     * embedded store's two files take about 100,000, its devices spread over both
     * ({@link coop.steward.collector.store.EmbeddedStore}).
     */
    public static final int DEFAULT_MAX_READINGS_PER_TRANSACTION = 200_000;
    /** Past this many messages waiting for the store, QoS 0 messages are dropped (and listed). */
    public static final int DEFAULT_MAX_PENDING_MESSAGES = 2_000;

    public IngestSettings(String brokerUrl, String clientId, String username, String password,
                          int maxPendingMessages, int maxReadingsPerTransaction) {
        this(brokerUrl, clientId, username, password, maxPendingMessages, maxReadingsPerTransaction,
                DEFAULT_MAX_PENDING_BYTES);
    }

    public IngestSettings(String brokerUrl, String clientId, String username, String password,
                          int maxPendingMessages, int maxReadingsPerTransaction, long maxPendingBytes) {
        this(brokerUrl, clientId, username, password, maxPendingMessages, maxReadingsPerTransaction,
                maxPendingBytes, null, null, null);
    }

    public IngestSettings withTls(TlsFiles files) {
        return new IngestSettings(brokerUrl, clientId, username, password, maxPendingMessages,
                maxReadingsPerTransaction, maxPendingBytes, files, commandUsername, commandPassword);
    }

    /** These settings with another client id: a second connection of the same collector to the same broker. */
    public IngestSettings withClientId(String id) {
        return new IngestSettings(brokerUrl, id, username, password, maxPendingMessages, maxReadingsPerTransaction,
                maxPendingBytes, tls, commandUsername, commandPassword);
    }

    /** These settings with another account for commands; null keeps the collector's own. */
    public IngestSettings withCommandLogin(String username, String password) {
        return new IngestSettings(brokerUrl, clientId, this.username, this.password, maxPendingMessages,
                maxReadingsPerTransaction, maxPendingBytes, tls, username, password);
    }

    public String commandLoginName() {
        return commandUsername != null ? commandUsername : username;
    }

    public String commandLoginPassword() {
        return commandUsername != null ? commandPassword : password;
    }

    @Override
    public String toString() {
        return "IngestSettings[" + brokerUrl + " as " + (username == null ? "anonymous" : username) + "]";
    }
}
