package coop.steward.launcher;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code bin/steward} as a real OS process for the tests that kill it, on the tests' own class path. */
final class StewardProcess {
    private StewardProcess() {
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** The body of a GET of a collector on 127.0.0.1 that answers 200; throws otherwise (one restarting, say). */
    static String get(int port, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + path)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + response.statusCode());
        }
        return response.body();
    }

    /** Runs {@code bin/steward args...}, its output in {@code logDir/name.log}. */
    static Process start(Path logDir, String name, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), Steward.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(logDir.resolve(name + ".log").toFile()).start();
    }
}
