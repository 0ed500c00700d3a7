package coop.steward.agent.clock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link System#nanoTime()} and the kernel's boot id. */
final class SystemMonotonicClock implements MonotonicClock {
    static final SystemMonotonicClock INSTANCE = new SystemMonotonicClock(Path.of("/proc/sys/kernel/random/boot_id"));
    private static final Logger LOG = LoggerFactory.getLogger(SystemMonotonicClock.class);

    private final String bootId;

    SystemMonotonicClock(Path bootIdFile) {
        this.bootId = readBootId(bootIdFile);
    }

    @Override
    public String bootId() {
        return bootId;
    }

    @Override
    public long nanos() {
        return System.nanoTime();
    }

    private static String readBootId(Path file) {
        try {
            String id = Files.readString(file).strip();
            if (!id.isEmpty()) {
                return id;
            }
        } catch (IOException e) {
            // Not Linux: handled below.
        }
        String id = "process-" + UUID.randomUUID();
        LOG.warn("no boot id at {}: readings taken before the clock was set can be corrected only within this "
                + "process", file);
        return id;
    }
}
