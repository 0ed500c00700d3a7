package coop.steward.launcher;

import coop.steward.agent.UntilStopped;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Runs everything in one process with nothing to install: an embedded MQTT broker, the",
                "collector on the embedded store, and simulated agents for a food forest and a solar array."})
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
            demo = Demo.start(httpPort, brokerPort, data);
        } catch (Exception e) {
            System.err.println("The demo could not start: " + e.getMessage());
            return 1;
        }
        System.out.printf("%nSteward demo is running: a food forest (bed-1, bed-2, bed-3) and a solar array (array-1).%n"
                        + "  Dashboard:   http://localhost:%d/%n"
                        + "  MQTT broker: tcp://localhost:%d   (watch it: mosquitto_sub -p %d -t 'steward/v1/#' -v)%n"
                        + "  Data:        %s%n"
                        + "Press Ctrl-C to stop; the data is kept for the next start.%n%n",
                demo.httpPort(), demo.brokerPort(), demo.brokerPort(), data.toAbsolutePath().normalize());
        UntilStopped.await(() -> {
            demo.close();
            System.out.println("Steward demo stopped.");
        });
        return 0;
    }
}
