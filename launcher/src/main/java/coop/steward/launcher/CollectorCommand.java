package coop.steward.launcher;

import coop.steward.agent.UntilStopped;
import coop.steward.agent.publish.MqttLogin;
import coop.steward.collector.Collector;
import coop.steward.collector.CollectorSettings;
import coop.steward.collector.config.CollectorConfig;
import coop.steward.collector.config.Help;
import coop.steward.collector.notify.MailSettings;
import coop.steward.collector.people.PeopleStore;
import coop.steward.collector.ingest.CollectorId;
import coop.steward.collector.ingest.IngestSettings;
import coop.steward.collector.store.InfluxSettings;
import coop.steward.config.ConfigException;
import coop.steward.protocol.Ids;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "collector", mixinStandardHelpOptions = true,
        description = {"Runs the collector against an existing MQTT broker.",
                "Broker credentials come from --mqtt-account FILE or STEWARD_MQTT_USERNAME and STEWARD_MQTT_PASSWORD,",
                "never the command line."})
final class CollectorCommand implements Callable<Integer> {
    private static final Pattern BROKER_URL = Pattern.compile("(tcp|ssl)://[^:/\\s]+:\\d{1,5}");

    @Option(names = "--mqtt", required = true, paramLabel = "URL",
            description = "the broker, tcp://host:port or ssl://host:port")
    String mqtt;

    @Option(names = "--http", paramLabel = "PORT", defaultValue = "8080",
            description = "HTTP port of the API and dashboard (default: ${DEFAULT-VALUE})")
    int http;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "./data",
            description = "folder of the embedded store (default: ${DEFAULT-VALUE})")
    Path data;

    @Option(names = "--config", paramLabel = "FILE",
            description = {"collector config (YAML): alert rules, webhooks, solar arrays, raw retention;",
                    "without it the shipped alert rules run and raw readings are kept 90 days (see docs/alerts.md)"})
    Path config;

    @Option(names = "--influxdb", paramLabel = "URL", description = {"store readings in InfluxDB at "
            + "http://host:port/database instead;", "credentials from STEWARD_INFLUXDB_USERNAME and "
            + "STEWARD_INFLUXDB_PASSWORD"})
    String influxdb;

    @Mixin
    BrokerOptions broker = new BrokerOptions();

    @Option(names = "--mqtt-command-account", paramLabel = "FILE", description = {"the broker account that sends "
            + "devices the commands people give from the dashboard: collector-commands.env of bin/steward identities;",
            "without it the collector's own account sends them"})
    Path commandAccount;

    @Option(names = "--smtp", paramLabel = "HOST:PORT", description = {"the SMTP server that e-mails alerts to "
            + "the people who chose it (bin/steward user notify);", "login from STEWARD_SMTP_USERNAME and "
            + "STEWARD_SMTP_PASSWORD, when it asks for one"})
    String smtp;

    @Option(names = "--smtp-from", paramLabel = "ADDRESS", defaultValue = "steward@localhost",
            description = "the sender of alert e-mails (default: ${DEFAULT-VALUE})")
    String smtpFrom;

    @Option(names = "--smtp-starttls", description = "upgrade the SMTP connection to TLS before logging in (port 587)")
    boolean smtpStartTls;

    @Option(names = "--forward-to", paramLabel = "URL", description = {"forward what this site shares (sharing: in "
            + "--config; everything by default) to its regional hub's broker, tcp://host:port or ssl://host:port;",
            "the account there from --forward-account FILE, or STEWARD_HUB_USERNAME and STEWARD_HUB_PASSWORD "
                    + "(see docs/federation.md)"})
    String forwardTo;

    @Option(names = "--forward-account", paramLabel = "FILE", description = "the hub broker's account for "
            + "--forward-to: a file of STEWARD_MQTT_USERNAME= and STEWARD_MQTT_PASSWORD= lines, as bin/steward "
            + "identities writes")
    Path forwardAccount;

    @Option(names = "--hub", description = {"serve as a regional hub: also take the reports of the sites that "
            + "forward to this collector's broker,", "and show their link, lag, backlog and sharing "
            + "(GET /api/v1/hub/sites)"})
    boolean hub;

    @Option(names = "--hub-group", paramLabel = "NAME", description = {"share this broker's load with the other "
            + "collectors started with the same NAME: each message reaches one of them (MQTT shared subscriptions),",
            "each site's alerts are owned by one, and another takes them over when it stops (see docs/federation.md); "
            + "give them one InfluxDB (--influxdb)"})
    String hubGroup;

    @Option(names = "--open", description = {"serve the dashboard and API to anyone who reaches them, without "
            + "sign-in: anyone on the network can then acknowledge alerts and water. Without it, people sign in with "
            + "the accounts of bin/steward user, and the collector will not start before there is one"})
    boolean open;

    @Override
    public Integer call() {
        if (!BROKER_URL.matcher(mqtt).matches()) {
            System.err.println("--mqtt '" + mqtt + "' is not a broker URL: use tcp://host:port or ssl://host:port");
            return 2;
        }
        if (broker.problem(mqtt).isPresent()) {
            System.err.println(broker.problem(mqtt).get());
            return 2;
        }
        MqttLogin login;
        try {
            login = broker.login();
        } catch (IllegalArgumentException e) {
            System.err.println("--mqtt-account: " + e.getMessage());
            return 2;
        }
        InfluxSettings influx = null;
        if (influxdb != null) {
            try {
                influx = InfluxSettings.parse(influxdb, System.getenv("STEWARD_INFLUXDB_USERNAME"),
                        System.getenv("STEWARD_INFLUXDB_PASSWORD"));
            } catch (IllegalArgumentException e) {
                System.err.println("--influxdb: " + e.getMessage());
                return 2;
            }
        }
        CollectorConfig settingsFile;
        try {
            settingsFile = config == null ? CollectorConfig.defaults() : CollectorConfig.load(config);
        } catch (ConfigException e) {
            System.err.println("--config: the collector config has " + e.errors().size() + " problem"
                    + (e.errors().size() == 1 ? "" : "s") + ":");
            e.errors().forEach(error -> System.err.println("  " + error));
            return 2;
        }
        MailSettings mail = null;
        if (smtp != null) {
            int colon = smtp.lastIndexOf(':');
            if (colon <= 0 || !smtp.substring(colon + 1).matches("\\d{1,5}")) {
                System.err.println("--smtp '" + smtp + "' is not HOST:PORT, e.g. mail.example.org:587");
                return 2;
            }
            mail = new MailSettings(smtp.substring(0, colon), Integer.parseInt(smtp.substring(colon + 1)), smtpFrom,
                    smtpStartTls, System.getenv("STEWARD_SMTP_USERNAME"), System.getenv("STEWARD_SMTP_PASSWORD"));
        }
        if (!open && PeopleStore.open(data).isEmpty()) {
            System.err.println("No one can sign in yet, and the collector serves its dashboard and API to the whole "
                    + "network: add the first admin with\n  bin/steward user add NAME --role admin --data " + data
                    + "\nor start it with --open to serve without sign-in (anyone who reaches port " + http
                    + " can then acknowledge alerts and open valves).");
            return 2;
        }
        if (hubGroup != null && !Ids.isValid(hubGroup)) {
            System.err.println("--hub-group '" + hubGroup + "' is not a group name: use 1 to 64 lower-case letters, "
                    + "digits, '_' or '-', the same for every collector of the hub");
            return 2;
        }
        if (hubGroup != null && influx == null) {
            System.err.println("--hub-group needs --influxdb: the collectors of a group share one store, and each "
                    + "one's embedded store would hold only the messages that reached it");
            return 2;
        }
        String clientId;
        try {
            clientId = CollectorId.of(data);
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("--data: cannot keep the collector's MQTT client id in " + data + ": " + e.getMessage());
            return 2;
        }
        IngestSettings forward = null;
        if (forwardTo != null) {
            if (!BROKER_URL.matcher(forwardTo).matches()) {
                System.err.println("--forward-to '" + forwardTo + "' is not a broker URL: use tcp://host:port or "
                        + "ssl://host:port of the hub's broker");
                return 2;
            }
            MqttLogin hubLogin;
            try {
                hubLogin = forwardAccount != null ? BrokerOptions.login(forwardAccount)
                        : new MqttLogin(System.getenv("STEWARD_HUB_USERNAME"), System.getenv("STEWARD_HUB_PASSWORD"));
            } catch (IllegalArgumentException e) {
                System.err.println("--forward-account: " + e.getMessage());
                return 2;
            }
            // Its own client id on the hub's broker, and its own persistent session there.
            forward = new IngestSettings(forwardTo, clientId + "-forward", hubLogin.username(), hubLogin.password(),
                    IngestSettings.DEFAULT_MAX_PENDING_MESSAGES,
                    IngestSettings.DEFAULT_MAX_READINGS_PER_TRANSACTION);
        }
        Vertx vertx = Vertx.vertx();
        IngestSettings ingest = new IngestSettings(mqtt, clientId, login.username(), login.password(),
                IngestSettings.DEFAULT_MAX_PENDING_MESSAGES, IngestSettings.DEFAULT_MAX_READINGS_PER_TRANSACTION)
                .withTls(broker.files());
        if (commandAccount != null) {
            try {
                MqttLogin commandLogin = BrokerOptions.login(commandAccount);
                ingest = ingest.withCommandLogin(commandLogin.username(), commandLogin.password());
            } catch (IllegalArgumentException e) {
                System.err.println("--mqtt-command-account: " + e.getMessage());
                vertx.close();
                return 2;
            }
        }
        Collector collector;
        try {
            CollectorSettings settings = new CollectorSettings(ingest, "0.0.0.0", http, data).with(settingsFile)
                    .withAccounts(!open).withMail(mail).withConfigFile(config == null ? null
                            : config.toAbsolutePath()).withFederation(forward, hub).withHubGroup(hubGroup);
            collector = Collector.start(vertx, influx == null ? settings : settings.withInflux(influx))
                    .await(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("The collector could not start: " + e.getMessage());
            vertx.close();
            return 1;
        }
        System.out.println("Steward collector: http://localhost:" + collector.httpPort() + "/ (broker " + mqtt
                + " as client " + clientId + ", data " + data.toAbsolutePath().normalize() + ")\n"
                + (forwardTo == null ? "" : "Forwarding what this site shares to the hub's broker " + forwardTo
                + "\n" + aid(settingsFile.help())) + (hub ? "Serving as a hub: GET /api/v1/hub/sites lists the sites that forward here\n" : "")
                + (open
                ? "Open (--open): no sign-in; anyone who reaches it can acknowledge alerts and water."
                : "Sign-in required, as the people of bin/steward user --data " + data + "."));
        UntilStopped.await(() -> {
            try {
                collector.stop().await(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                System.err.println("Stopping the collector: " + e.getMessage());
            }
            vertx.close();
        });
        return 0;
    }

    /** What the site does for and asks of its neighbours, for the start-up message; empty for nothing. */
    private String aid(Help help) {
        if (!help.ask() && !help.offer()) {
            return "";
        }
        return "Mutual aid: " + (help.ask() ? "asks the hub's other sites for help with alerts nobody here answers"
                + (open ? " (not while --open: with no accounts nobody is told of an alert, so none goes unanswered)"
                : "") : "") + (help.ask() && help.offer() ? "; " : "") + (help.offer() ? "offers this site's "
                + "stewards' help to them" : "") + "\n";
    }
}
