package coop.steward.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a process has written to disk: {@code write_bytes} in {@code /proc/<pid>/io}, the bytes it caused to be
 * sent to storage, counted when it dirties a page of the page cache. What the kernel writes on a process's behalf
 * later (the ext4 journal, a file's metadata) is not in it.
 */
final class WriteBytes {
    private WriteBytes() {
    }

    static long of(long pid) {
        Path io = Path.of("/proc/" + pid + "/io");
        try {
            for (String line : Files.readAllLines(io)) {
                if (line.startsWith("write_bytes:")) {
                    return Long.parseLong(line.substring("write_bytes:".length()).trim());
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + io + ": " + e.getMessage(), e);
        }
        throw new IllegalStateException(io + " has no write_bytes");
    }

    /** Megabytes a day, from bytes written over {@code seconds}. */
    static double mbPerDay(double bytes, double seconds) {
        return bytes / seconds * 86_400 / 1e6;
    }
}
