package coop.steward.agent.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import coop.steward.protocol.SeqRange;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutboxTest {
    private final Outbox outbox = new Outbox();

    @Test
    void acknowledgedRanges_leave_andTheRestStays() {
        for (long seq = 0; seq < 6; seq++) {
            outbox.add(seq, new byte[] {1}, 10);
        }

        assertThat(outbox.acknowledge(List.of(new SeqRange(1, 3), new SeqRange(5, 5)))).isEqualTo(40);
        assertThat(outbox.readings()).isEqualTo(20);
        assertThat(outbox.due(1_000, 30_000, 10)).extracting(Outbox.Entry::seq).containsExactly(0L, 4L);
    }

    @Test
    void sentMessage_isDueAgainOnlyAfterTheAckTimeout() {
        outbox.add(7, new byte[] {1}, 1);

        assertThat(outbox.due(1_000, 30_000, 10)).hasSize(1);
        assertThat(outbox.due(30_999, 30_000, 10)).isEmpty();
        assertThat(outbox.due(31_000, 30_000, 10)).extracting(Outbox.Entry::seq).containsExactly(7L);
    }

    @Test
    void messageTheBrokerDidNotTake_isDueAtOnce() {
        outbox.add(7, new byte[] {1}, 1);
        Outbox.Entry entry = outbox.due(1_000, 30_000, 10).get(0);

        outbox.unsent(entry);

        assertThat(outbox.due(1_001, 30_000, 10)).hasSize(1);
    }

    @Test
    void due_isInSeqOrderAndBounded() {
        outbox.add(3, new byte[] {1}, 1);
        outbox.add(1, new byte[] {1}, 1);
        outbox.add(2, new byte[] {1}, 1);

        assertThat(outbox.due(1_000, 30_000, 2)).extracting(Outbox.Entry::seq).containsExactly(1L, 2L);
    }
}
