package coop.steward.launcher;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code bin/steward} as a real OS process for the tests that kill it, on the tests' own class path. */
final class StewardProcess {
    private StewardProcess() {
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
