package coop.steward.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A real Mosquitto process on a free loopback port, with its configuration, persistence and log in a folder of
 * the test's. Never the system's broker on 1883. {@code bin/test} installs Mosquitto when it is missing; a test
 * that finds none fails with a message saying so rather than skipping.
 */
public final class MosquittoBroker implements AutoCloseable {
    private static final Path BINARY = Path.of("/usr/sbin/mosquitto");
    /** The delivery settings docs/deployment.md gives a collector's broker. */
    public static final List<String> AS_DEPLOYED = List.of("autosave_interval 60", "max_queued_messages 10000000",
            "max_queued_bytes 536870912", "max_inflight_messages 1000", "message_size_limit 1048576",
            "set_tcp_nodelay true");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

    private final Path dir;
    private final int port;
    private final List<String> extraConfig;
    /** False when the configuration given makes its own listeners and access rules. */
    private final boolean ownListener;
    private Process process;

    private MosquittoBroker(Path dir, int port, List<String> extraConfig, boolean ownListener) {
        this.dir = dir;
        this.port = port;
        this.extraConfig = List.copyOf(extraConfig);
        this.ownListener = ownListener;
    }

    /**
     * Starts a broker with a configuration made elsewhere (as {@code bin/steward identities} writes one), which must
     * listen on {@code port} on 127.0.0.1, after the delivery settings of docs/deployment.md, as a site installs
     * both; persistence and logging are added, in {@code dir}.
     */
    public static MosquittoBroker startConfigured(Path dir, int port, Path configuration) {
        try {
            List<String> lines = new ArrayList<>(Files.readAllLines(configuration, StandardCharsets.UTF_8));
            lines.addAll(AS_DEPLOYED);
            MosquittoBroker broker = new MosquittoBroker(dir, port, lines, false);
            broker.startProcess();
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + configuration, e);
        }
    }

    /** Starts a broker with persistence in {@code dir}; {@code extraConfig} lines are appended to mosquitto.conf. */
    public static MosquittoBroker start(Path dir, String... extraConfig) {
        MosquittoBroker broker = new MosquittoBroker(dir, FreePort.find(), List.of(extraConfig), true);
        broker.startProcess();
        return broker;
    }

    public int port() {
        return port;
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    /** The server's process id, for measuring the CPU it spends; -1 while it is not running. */
    public long pid() {
        Process running = process;
        return running == null ? -1 : running.pid();
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Stops the broker gracefully: Mosquitto writes its persistence file on SIGTERM. */
    public void stop() {
        if (process == null) {
            return;
        }
        ServerProcess.stop(process, 10);
        process = null;
    }

    /** Kills the broker as a power cut would: no chance to save anything. */
    public void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /**
     * Freezes the broker (SIGSTOP), as one too busy to answer would be: its connections stay open, and nothing sent to
     * it is acknowledged until {@link #thaw}.
     */
    public void freeze() {
        signal("-STOP");
    }

    public void thaw() {
        signal("-CONT");
    }

    private void signal(String which) {
        try {
            new ProcessBuilder("kill", which, Long.toString(process.pid())).inheritIO().start().waitFor(10,
                    TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts the broker again on the same port with the same persistence. */
    public void restart() {
        stop();
        startProcess();
    }

    public String logTail() {
        return ServerProcess.logTail(dir.resolve("mosquitto.log"));
    }

    @Override
    public void close() {
        stop();
    }

    /**
     * JUnit's temporary folders are root's alone (0700), so the mosquitto user could not reach its folder inside one:
     * it ran without its log and could not save its persistence file ("Permission denied"), so a restarted broker
     * had forgotten its retained messages and sessions, unlike a deployed one. Folders between the system's
     * temporary folder and the broker's may now be passed through (not listed) by others.
     */
    private static void letMosquittoReach(Path dir) throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize();
        for (Path p = dir.toAbsolutePath().normalize().getParent(); p != null && p.startsWith(tmp) && !p.equals(tmp);
             p = p.getParent()) {
            Set<PosixFilePermission> permissions = EnumSet.copyOf(Files.getPosixFilePermissions(p));
            if (permissions.add(PosixFilePermission.OTHERS_EXECUTE)) {
                Files.setPosixFilePermissions(p, permissions);
            }
        }
    }

    private void startProcess() {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException("Mosquitto is not installed at " + BINARY
                    + ": run bin/test, which installs it, or apt-get install mosquitto");
        }
        try {
            Files.createDirectories(dir);
            // Started as root, Mosquitto becomes the mosquitto user before it opens its log and persistence file.
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
            letMosquittoReach(dir);
            Path conf = dir.resolve("mosquitto.conf");
            List<String> lines = new ArrayList<>();
            if (ownListener) {
                lines.addAll(List.of("listener " + port + " 127.0.0.1", "allow_anonymous true"));
            }
            lines.addAll(List.of(
                    "persistence true",
                    "persistence_location " + dir.toAbsolutePath() + "/",
                    "log_dest file " + dir.toAbsolutePath().resolve("mosquitto.log"),
                    "log_type error",
                    "log_type warning",
                    "log_type notice",
                    "log_type information"));
            lines.addAll(extraConfig);
            Files.write(conf, lines, StandardCharsets.UTF_8);
            process = new ProcessBuilder(BINARY.toString(), "-c", conf.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("mosquitto.out").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Mosquitto in " + dir, e);
        }
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Mosquitto exited at start with code " + process.exitValue()
                        + ":\n" + logTail());
            }
            if (FreePort.accepts(port)) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting Mosquitto", e);
            }
        }
        kill();
        throw new IllegalStateException("Mosquitto did not accept connections on port " + port + " within "
                + START_TIMEOUT.toSeconds() + " s:\n" + logTail());
    }
}
