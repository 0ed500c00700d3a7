package coop.steward.collector.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import coop.steward.protocol.SeqRange;
import java.util.List;
import org.junit.jupiter.api.Test;

class AckCoalescerTest {
    @Test
    void seqNumbers_becomeInclusiveRangesPerDevice() {
        AckCoalescer acks = new AckCoalescer();
        for (long seq : new long[] {1045, 1040, 1041, 1047, 1042, 1043, 1044}) {
            acks.add("food-forest", "bed-3", seq);
        }
        acks.add("food-forest", "bed-4", 7);

        assertThat(acks.drain()).containsOnly(
                org.assertj.core.api.Assertions.entry(new AckCoalescer.Device("food-forest", "bed-3"),
                        List.of(new SeqRange(1040, 1045), new SeqRange(1047, 1047))),
                org.assertj.core.api.Assertions.entry(new AckCoalescer.Device("food-forest", "bed-4"),
                        List.of(new SeqRange(7, 7))));
        assertThat(acks.drain()).isEmpty();
    }
}
