package coop.steward.agent.outbox;

import java.nio.file.Path;

/**
 * A process that adds messages to an outbox as fast as it can and prints {@code committed SEQ} after each add
 * returns, until it is killed. For {@link OutboxKillTest}.
 */
public final class OutboxWriter {
    private OutboxWriter() {
    }

    public static void main(String[] args) {
        Outbox outbox = Outbox.open(Path.of(args[0]), 1_000_000, "boot-1", "test/writer", 10);
        while (true) {
            long seq = outbox.nextSeq();
            long[] times = new long[10];
            for (int i = 0; i < times.length; i++) {
                times[i] = 1_764_000_000_000L + seq * 10 + i;
            }
            outbox.add(seq, OutboxTest.payload(seq, times), times.length, 0);
            System.out.println("committed " + seq);
            System.out.flush();
        }
    }
}
