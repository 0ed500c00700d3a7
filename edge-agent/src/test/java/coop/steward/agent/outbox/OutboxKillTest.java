package coop.steward.agent.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An outbox whose process is killed with SIGKILL in the middle of writing. */
class OutboxKillTest {
    @TempDir
    Path dir;

    @Test
    void everyWriteThatReturned_survivesKillMinus9_andTheSeqGoesOnAboveEveryOneGivenOut() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process writer = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                OutboxWriter.class.getName(), dir.toString())
                .redirectError(dir.resolveSibling(dir.getFileName() + "-writer.err").toFile())
                .start();
        long lastCommitted = -1;
        long lastGiven = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while (lastCommitted < 1_200 && (line = out.readLine()) != null) {
                long seq = Long.parseLong(line.substring(line.indexOf(' ') + 1));
                lastGiven = seq;
                if (line.startsWith("committed ")) {
                    lastCommitted = seq;
                }
            }
            // SIGKILL, mid-stream: the writer is adding as fast as it can. (Java closes our end of its output,
            // so what it printed after the line read last is not seen: the check below is on what was seen.)
            writer.destroyForcibly();
            assertThat(writer.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(lastCommitted).as("the writer ran past a reserved block of seqs").isGreaterThan(Outbox.SEQ_BLOCK);

        try (Outbox reopened = Outbox.open(dir, 1_000_000, "boot-1", "test/outbox", 100_000)) {
            List<Long> kept = new ArrayList<>();
            reopened.due(0, 1, 100_000).forEach(entry -> kept.add(entry.seq()));

            assertThat(kept).as("every message written, with those held before it").startsWith(0L)
                    .hasSizeGreaterThanOrEqualTo((int) lastCommitted + 1);
            for (int i = 0; i < kept.size(); i++) {
                assertThat(kept.get(i)).as("no gap").isEqualTo(i);
            }
            assertThat(reopened.readings()).isEqualTo(10L * kept.size());
            assertThat(reopened.nextSeq()).as("above every seq given out, held ones too").isGreaterThan(lastGiven);
        }
    }
}
