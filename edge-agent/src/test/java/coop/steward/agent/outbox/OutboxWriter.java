package coop.steward.agent.outbox;

import java.nio.file.Path;

/**
 * A process that puts messages in an outbox as fast as it can, until it is killed: three held in memory, then one
 * written, which writes the held ones before it. Prints {@code held SEQ} after a hold and {@code committed SEQ} after
 * a write returns. For {@link OutboxKillTest}.
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
            if (seq % 4 == 3) {
                outbox.add(seq, OutboxTest.payload(seq, times), times.length, 0);
                System.out.println("committed " + seq);
            } else {
                outbox.hold(seq, OutboxTest.payload(seq, times), times.length, 0, 0);
                System.out.println("held " + seq);
            }
            System.out.flush();
        }
    }
}
