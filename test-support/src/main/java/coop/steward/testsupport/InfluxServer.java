package coop.steward.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real InfluxDB 1.x (Debian's {@code influxdb} package) on free loopback ports, with its data in a folder of
 * the test's. Never the system's server on 8086. {@code bin/test} installs it when it is missing.
 */
public final class InfluxServer implements AutoCloseable {
    private static final Path BINARY = Path.of("/usr/bin/influxd");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Path dir;
    private final int httpPort;
    private final int rpcPort;
    private Process process;

    private InfluxServer(Path dir, int httpPort, int rpcPort) {
        this.dir = dir;
        this.httpPort = httpPort;
        this.rpcPort = rpcPort;
    }

    public static InfluxServer start(Path dir) {
        int httpPort = FreePort.find();
        int rpcPort = FreePort.find();
        while (rpcPort == httpPort) { // the kernel may hand out a just-closed port again
            rpcPort = FreePort.find();
        }
        InfluxServer server = new InfluxServer(dir, httpPort, rpcPort);
        server.startProcess();
        return server;
    }

    public String url() {
        return "http://127.0.0.1:" + httpPort;
    }

    public int port() {
        return httpPort;
    }

    /** The server's process id, for measuring the CPU it spends; -1 while it is not running. */
    public long pid() {
        Process running = process;
        return running == null ? -1 : running.pid();
    }

    public void stop() {
        if (process == null) {
            return;
        }
        ServerProcess.stop(process, 15);
        process = null;
    }

    /** SIGKILL, as a power cut or the OOM killer would stop it: no chance to finish what it was doing. */
    public void kill() {
        if (process == null) {
            return;
        }
        try {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** Starts it again on the same ports with the same data. */
    public void restart() {
        stop();
        startProcess();
    }

    @Override
    public void close() {
        stop();
    }

    public String logTail() {
        return ServerProcess.logTail(dir.resolve("influxd.log"));
    }

    private void startProcess() {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException("InfluxDB is not installed at " + BINARY
                    + ": run bin/test, which installs it, or apt-get install influxdb");
        }
        try {
            Files.createDirectories(dir);
            Path abs = dir.toAbsolutePath();
            Path conf = dir.resolve("influxdb.conf");
            Files.writeString(conf, """
                    reporting-disabled = true
                    bind-address = "127.0.0.1:%d"
                    [meta]
                      dir = "%s/meta"
                    [data]
                      dir = "%s/data"
                      wal-dir = "%s/wal"
                      query-log-enabled = false
                    [monitor]
                      store-enabled = false
                    [http]
                      enabled = true
                      bind-address = "127.0.0.1:%d"
                      log-enabled = false
                    [continuous_queries]
                      enabled = true
                    """.formatted(rpcPort, abs, abs, abs, httpPort), StandardCharsets.UTF_8);
            process = new ProcessBuilder(BINARY.toString(), "-config", conf.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("influxd.log").toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start InfluxDB in " + dir, e);
        }
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("InfluxDB exited at start with code " + process.exitValue() + ":\n"
                        + logTail());
            }
            try {
                HttpResponse<Void> ping = client.send(HttpRequest.newBuilder(URI.create(url() + "/ping")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (ping.statusCode() == 204) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting InfluxDB", e);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting InfluxDB", e);
            }
        }
        stop();
        throw new IllegalStateException("InfluxDB did not answer /ping on port " + httpPort + " within "
                + START_TIMEOUT.toSeconds() + " s:\n" + logTail());
    }
}
