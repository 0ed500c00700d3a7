package coop.steward.collector;

import coop.steward.collector.config.AlertsConfig;
import coop.steward.collector.config.CollectorConfig;
import coop.steward.collector.config.Limits;
import coop.steward.collector.config.SiteConfig;
import coop.steward.collector.forward.Federation;
import coop.steward.collector.ingest.IngestSettings;
import coop.steward.collector.notify.MailSettings;
import coop.steward.collector.store.InfluxSettings;
import coop.steward.collector.store.SqliteReadingStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything the collector needs to start, checked by whoever builds it from the command line. Readings go to
 * InfluxDB when {@code influx} is set, else to the embedded store in {@code dataDir} (which always holds the
 * alert state). {@code sites} are the sites whose time zone the config file gave; the others follow the
 * collector's own. {@code limits} bound the devices and series it keeps. With {@code accounts}, the HTTP API and
 * dashboard serve only people signed in with an account of {@code dataDir}'s people store; without, anyone who
 * reaches them (the demo on 127.0.0.1). {@code configFile} is the collector config file the rest came from, or null.
 * {@code federation} says whether it forwards to a hub, what it shares, and whether it serves as one.
 */
public record CollectorSettings(IngestSettings ingest, String httpHost, int httpPort, Path dataDir,
                                Duration rawRetention, AlertsConfig alerts, InfluxSettings influx,
                                List<SiteConfig> sites, Limits limits, boolean accounts, MailSettings mail,
                                Path configFile, Federation federation) {
    public CollectorSettings {
        sites = List.copyOf(sites);
    }

    public CollectorSettings(IngestSettings ingest, String httpHost, int httpPort, Path dataDir,
                             Duration rawRetention, AlertsConfig alerts, InfluxSettings influx,
                             List<SiteConfig> sites, Limits limits, boolean accounts, MailSettings mail,
                             Path configFile) {
        this(ingest, httpHost, httpPort, dataDir, rawRetention, alerts, influx, sites, limits, accounts, mail,
                configFile, Federation.ALONE);
    }

    public CollectorSettings(IngestSettings ingest, String httpHost, int httpPort, Path dataDir,
                             Duration rawRetention, AlertsConfig alerts, InfluxSettings influx,
                             List<SiteConfig> sites, Limits limits, boolean accounts, MailSettings mail) {
        this(ingest, httpHost, httpPort, dataDir, rawRetention, alerts, influx, sites, limits, accounts, mail, null);
    }

    public CollectorSettings(IngestSettings ingest, String httpHost, int httpPort, Path dataDir,
                             Duration rawRetention, AlertsConfig alerts, InfluxSettings influx,
                             List<SiteConfig> sites, Limits limits, boolean accounts) {
        this(ingest, httpHost, httpPort, dataDir, rawRetention, alerts, influx, sites, limits, accounts, null);
    }

    public CollectorSettings(IngestSettings ingest, String httpHost, int httpPort, Path dataDir,
                             Duration rawRetention, AlertsConfig alerts, InfluxSettings influx,
                             List<SiteConfig> sites, Limits limits) {
        this(ingest, httpHost, httpPort, dataDir, rawRetention, alerts, influx, sites, limits, false);
    }

    public CollectorSettings(IngestSettings ingest, String httpHost, int httpPort, Path dataDir,
                             Duration rawRetention, AlertsConfig alerts, InfluxSettings influx,
                             List<SiteConfig> sites) {
        this(ingest, httpHost, httpPort, dataDir, rawRetention, alerts, influx, sites, Limits.DEFAULT);
    }

    public CollectorSettings(IngestSettings ingest, String httpHost, int httpPort, Path dataDir,
                             Duration rawRetention, AlertsConfig alerts) {
        this(ingest, httpHost, httpPort, dataDir, rawRetention, alerts, null, List.of());
    }

    public CollectorSettings(IngestSettings ingest, String httpHost, int httpPort, Path dataDir) {
        this(ingest, httpHost, httpPort, dataDir, SqliteReadingStore.DEFAULT_RAW_RETENTION);
    }

    /** With the shipped alert rules, as when no {@code --config} file is given. */
    public CollectorSettings(IngestSettings ingest, String httpHost, int httpPort, Path dataDir,
                             Duration rawRetention) {
        this(ingest, httpHost, httpPort, dataDir, rawRetention, CollectorConfig.defaults().alerts());
    }

    /** These settings with the retention, alert rules, site time zones and limits of a collector config file. */
    public CollectorSettings with(CollectorConfig config) {
        return new CollectorSettings(ingest, httpHost, httpPort, dataDir, config.rawRetention(), config.alerts(),
                influx, config.sites(), config.limits(), accounts, mail, configFile,
                federation.withSharing(config.sharing()).withNeighbours(config.neighbours())
                        .withHelp(config.help()));
    }

    /** These settings with sign-in required ({@code true}) or the API open to whoever reaches it. */
    public CollectorSettings withAccounts(boolean required) {
        return new CollectorSettings(ingest, httpHost, httpPort, dataDir, rawRetention, alerts, influx, sites,
                limits, required, mail, configFile, federation);
    }

    /** These settings with alerts e-mailed to the people who chose it, through {@code smtp}. */
    public CollectorSettings withMail(MailSettings smtp) {
        return new CollectorSettings(ingest, httpHost, httpPort, dataDir, rawRetention, alerts, influx, sites,
                limits, accounts, smtp, configFile, federation);
    }

    /** These settings with readings stored in InfluxDB. */
    public CollectorSettings withInflux(InfluxSettings settings) {
        return new CollectorSettings(ingest, httpHost, httpPort, dataDir, rawRetention, alerts, settings, sites,
                limits, accounts, mail, configFile, federation);
    }

    /**
     * These settings with the collector config file they came from, which admins then edit from the dashboard;
     * null when the collector runs on the defaults.
     */
    public CollectorSettings withConfigFile(Path file) {
        return new CollectorSettings(ingest, httpHost, httpPort, dataDir, rawRetention, alerts, influx, sites,
                limits, accounts, mail, file, federation);
    }

    /**
     * These settings forwarding what the site shares to the hub's broker {@code hub} (its URL, the account there, and
     * the client id), or serving as a hub ({@code servesAsHub}); the sharing is the config file's.
     */
    public CollectorSettings withFederation(IngestSettings hub, boolean servesAsHub) {
        return new CollectorSettings(ingest, httpHost, httpPort, dataDir, rawRetention, alerts, influx, sites,
                limits, accounts, mail, configFile, new Federation(hub, federation.sharing(), servesAsHub,
                federation.neighbours(), federation.hubGroup(), federation.help()));
    }

    /**
     * These settings sharing the broker's load with the other collectors of {@code group} (see
     * {@link Federation#hubGroup}).
     */
    public CollectorSettings withHubGroup(String group) {
        return new CollectorSettings(ingest, httpHost, httpPort, dataDir, rawRetention, alerts, influx, sites,
                limits, accounts, mail, configFile, federation.withHubGroup(group));
    }
}
