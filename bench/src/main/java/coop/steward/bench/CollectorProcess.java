package coop.steward.bench;

import coop.steward.testsupport.FreePort;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bin/steward collector} as its own process, started as bin/steward starts it (the launcher's jar, without
 * the JVM's perf-data file), on the embedded store, without sign-in.
 */
final class CollectorProcess implements AutoCloseable {
    /** What bin/steward runs; bin/bench builds it. */
    static final Path JAR = Path.of("launcher/target/steward.jar");
    static final List<String> JVM_FLAGS = List.of("-XX:-UsePerfData");
    private static final Pattern STORED = Pattern.compile("(?m)^steward_readings_stored_total (\\S+)$");

    private final Process process;
    private final int httpPort;
    private final HttpClient http = HttpClient.newHttpClient();

    private CollectorProcess(Process process, int httpPort) {
        this.process = process;
        this.httpPort = httpPort;
    }

    static CollectorProcess start(String brokerUrl, Path data, Path log, String... options) throws Exception {
        int port = FreePort.find();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_FLAGS);
        command.addAll(List.of("-jar", JAR.toString(), "collector", "--mqtt", brokerUrl, "--http",
                Integer.toString(port), "--data", data.toString(), "--open"));
        command.addAll(List.of(options));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        CollectorProcess collector = new CollectorProcess(process, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!collector.healthy()) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                collector.close();
                throw new IllegalStateException("the collector did not become healthy; its log is " + log);
            }
            Thread.sleep(100);
        }
        return collector;
    }

    private boolean healthy() {
        try {
            return get("/health").statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    int httpPort() {
        return httpPort;
    }

    long pid() {
        return process.pid();
    }

    long writeBytes() {
        return WriteBytes.of(process.pid());
    }

    /** Readings it has stored since it started. */
    long stored() throws Exception {
        Matcher m = STORED.matcher(get("/metrics").body());
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }

    /** A counter or gauge of its {@code /metrics} without labels, 0 until it has one. */
    double metric(String name) throws Exception {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(get("/metrics").body());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** SIGTERM: its clean stop. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
