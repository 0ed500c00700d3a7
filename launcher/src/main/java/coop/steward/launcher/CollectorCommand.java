package coop.steward.launcher;

import coop.steward.collector.Collector;
import coop.steward.collector.CollectorSettings;
import coop.steward.collector.ingest.IngestSettings;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "collector", mixinStandardHelpOptions = true,
        description = {"Runs the collector against an existing MQTT broker.",
                "Broker credentials come from STEWARD_MQTT_USERNAME and STEWARD_MQTT_PASSWORD, never the command line."})
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

    @Option(names = "--influxdb", paramLabel = "URL", description = "store readings in InfluxDB at http://host:port/database (not available yet)")
    String influxdb;

    @Override
    public Integer call() {
        if (!BROKER_URL.matcher(mqtt).matches()) {
            System.err.println("--mqtt '" + mqtt + "' is not a broker URL: use tcp://host:port or ssl://host:port");
            return 2;
        }
        if (influxdb != null) {
            System.err.println("--influxdb: this version of Steward stores readings only in the embedded store; "
                    + "leave out --influxdb");
            return 2;
        }
        Vertx vertx = Vertx.vertx();
        IngestSettings ingest = new IngestSettings(mqtt, "steward-collector", System.getenv("STEWARD_MQTT_USERNAME"),
                System.getenv("STEWARD_MQTT_PASSWORD"), 2_000, 20_000);
        Collector collector;
        try {
            collector = Collector.start(vertx, new CollectorSettings(ingest, "0.0.0.0", http, data))
                    .await(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("The collector could not start: " + e.getMessage());
            vertx.close();
            return 1;
        }
        System.out.println("Steward collector: http://localhost:" + collector.httpPort() + "/ (broker " + mqtt
                + ", data " + data.toAbsolutePath().normalize() + ")");
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
}
