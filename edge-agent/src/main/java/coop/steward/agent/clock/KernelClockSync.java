package coop.steward.agent.clock;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the kernel's NTP state. Java cannot call {@code adjtimex(2)}, so this asks, in order:
 * <ol>
 *   <li>systemd-timesyncd (Raspberry Pi OS, Debian): while it runs, {@code /run/systemd/timesync/} exists, and it
 *       creates {@code synchronized} in it when it first sets the clock (systemd 239 and later). Checking is one
 *       {@code stat}, so it is done every time.</li>
 *   <li>{@code timedatectl show -p NTPSynchronized --value}: the kernel's own flag ({@code STA_UNSYNC}), set by
 *       whichever NTP daemon runs (chrony, ntpd). It starts a process, so it is asked at most every
 *       {@value #COMMAND_EVERY_MS} ms, and only until the clock is set (callers stop asking then).</li>
 *   <li>Neither answers (no systemd, such as in a container or on a laptop): the clock is taken as synchronised,
 *       and a warning says so once. Readings are then stamped with whatever the clock says.</li>
 * </ol>
 */
final class KernelClockSync implements ClockSync {
    static final Path TIMESYNCD_DIR = Path.of("/run/systemd/timesync");
    private static final long COMMAND_EVERY_MS = 10_000;
    private static final List<String> COMMAND = List.of("timedatectl", "show", "-p", "NTPSynchronized", "--value");
    private static final Logger LOG = LoggerFactory.getLogger(KernelClockSync.class);

    private enum Source { TIMESYNCD, TIMEDATECTL, NONE }

    private final Source source;
    private final Path timesyncdDir;
    private long askedAt = Long.MIN_VALUE;
    private boolean lastAnswer;

    private KernelClockSync(Source source, Path timesyncdDir) {
        this.source = source;
        this.timesyncdDir = timesyncdDir;
    }

    /** Found out once per process: the sources do not come and go while it runs. */
    static ClockSync detect() {
        return Detected.SYSTEM;
    }

    private static final class Detected {
        static final KernelClockSync SYSTEM = detect(TIMESYNCD_DIR);
    }

    static KernelClockSync detect(Path timesyncdDir) {
        if (Files.isDirectory(timesyncdDir)) {
            return new KernelClockSync(Source.TIMESYNCD, timesyncdDir);
        }
        if (askTimedatectl() != null) {
            return new KernelClockSync(Source.TIMEDATECTL, timesyncdDir);
        }
        LOG.warn("cannot tell whether this machine's clock is set: neither systemd-timesyncd ({}) nor "
                + "'timedatectl' answers; taking the clock as right. On a Raspberry Pi without a real-time clock, "
                + "run systemd-timesyncd or chrony so that readings taken before the clock is set are corrected",
                timesyncdDir);
        return new KernelClockSync(Source.NONE, timesyncdDir);
    }

    @Override
    public synchronized boolean isSynchronised() {
        switch (source) {
            case TIMESYNCD:
                return Files.exists(timesyncdDir.resolve("synchronized"));
            case TIMEDATECTL:
                long now = System.nanoTime() / 1_000_000;
                if (askedAt == Long.MIN_VALUE || now - askedAt >= COMMAND_EVERY_MS) {
                    askedAt = now;
                    lastAnswer = Boolean.TRUE.equals(askTimedatectl());
                }
                return lastAnswer;
            default:
                return true;
        }
    }

    /** True or false as timedatectl says, null when it cannot answer. */
    private static Boolean askTimedatectl() {
        try {
            Process process = new ProcessBuilder(COMMAND).redirectErrorStream(true).start();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return null;
            }
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (process.exitValue() != 0) {
                return null;
            }
            return switch (out) {
                case "yes" -> true;
                case "no" -> false;
                default -> null;
            };
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
