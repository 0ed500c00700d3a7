package coop.steward.launcher;

import coop.steward.agent.UntilStopped;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Runs everything in one process with nothing to install: an embedded MQTT broker, the",
                "collector on the embedded store, and simulated agents for a food forest and a solar site. The",
                "first start on a data folder fills it with 60 days of simulated history first."})
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--http", paramLabel = "PORT",
            description = "dashboard and API port (default 8080, or a free one if 8080 is taken)")
    Integer http;

    @Option(names = "--mqtt-port", paramLabel = "PORT",
            description = "MQTT broker port (default 1883, or a free one if 1883 is taken)")
    Integer mqttPort;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "./data/demo",
            description = "where the demo keeps its data, kept across restarts (default: ${DEFAULT-VALUE})")
    Path data;

    @Option(names = "--lan", description = {"open the dashboard and the broker to your network, for a phone on the",
            "same Wi-Fi; without it both listen on this machine only. Open, the broker takes only the demo's",
            "own accounts (made in DIR/identities), as a site's Mosquitto would (docs/security.md)"})
    boolean lan;

    @Override
    public Integer call() {
        int brokerPort;
        int httpPort;
        try {
            brokerPort = Ports.pick(mqttPort, 1883, "MQTT", "--mqtt-port");
            httpPort = Ports.pick(http, 8080, "HTTP", "--http");
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        Demo demo;
        try {
            demo = Demo.start(httpPort, brokerPort, data, lan, System.out::println);
        } catch (Exception e) {
            System.err.println("The demo could not start: " + e.getMessage());
            return 1;
        }
        String where = lan ? LanAddress.find().orElse("localhost") : "localhost";
        System.out.printf("%nSteward demo is running: a food forest (bed-1, bed-2, bed-3) and a solar site (array-1, "
                        + "array-2).%n"
                        + "  Dashboard:   http://%s:%d/%n"
                        + "  MQTT broker: tcp://%s:%d%s%n"
                        + "  Data:        %s%n"
                        + "%s%n"
                        + "Press Ctrl-C to stop; the data is kept for the next start.%n%n",
                where, demo.httpPort(), where, demo.brokerPort(), demo.identities().isPresent() ? ""
                        : "   (watch it: mosquitto_sub -p " + demo.brokerPort() + " -t 'steward/v1/#' -v)",
                data.toAbsolutePath().normalize(), demo.identities().map(accounts -> String.format(
                        "Open to your network (--lan): the broker takes only the accounts in %s%n(operator.env "
                        + "there for config push), but the demo's dashboard asks no one to sign in: anyone on "
                        + "your network can read it and water. Use it on a network you trust.",
                        accounts.resolve("accounts"))).orElse("On this machine only; the broker takes "
                        + "anonymous clients. For a phone on the same Wi-Fi, start it with --lan."));
        UntilStopped.await(() -> {
            demo.close();
            System.out.println("Steward demo stopped.");
        });
        return 0;
    }
}
