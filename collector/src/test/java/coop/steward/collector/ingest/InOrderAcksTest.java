package coop.steward.collector.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class InOrderAcksTest {
    private final AtomicLong nanos = new AtomicLong();
    private final List<String> sent = new ArrayList<>();
    private final InOrderAcks<String> acks = new InOrderAcks<>(nanos::get, sent::add);

    @Test
    void aMessageDoneEarly_isAcknowledgedOnlyAfterTheOlderOnes() {
        acks.take(1, "reading 1");
        acks.take(2, "reading 2");
        acks.take(3, "relay");

        acks.done(3, "relay");
        assertThat(sent).isEmpty();
        acks.done(1, "reading 1");
        assertThat(sent).containsExactly("reading 1");
        acks.done(2, "reading 2");
        assertThat(sent).containsExactly("reading 1", "reading 2", "relay");
        assertThat(acks.waiting()).isZero();
    }

    @Test
    void aMessageLeftUnacknowledgedOnPurpose_holdsBackNothing() {
        acks.take(1, "refused by the gate");
        acks.take(2, "relay");
        acks.done(2, "relay");
        assertThat(sent).isEmpty();

        acks.leave(1, "refused by the gate");
        assertThat(sent).containsExactly("relay");
        assertThat(acks.waiting()).isZero();
    }

    @Test
    void aMessageNotDoneForLong_stopsHoldingBackTheOthers_andIsAcknowledgedWhenDone() {
        acks.take(1, "stuck");
        acks.take(2, "relay");
        acks.done(2, "relay");
        nanos.addAndGet(InOrderAcks.HOLD_NANOS - 1);
        acks.release();
        assertThat(sent).as("a slow commit still holds the others back").isEmpty();

        nanos.addAndGet(2);
        acks.release();
        assertThat(sent).containsExactly("relay");
        acks.take(3, "relay 2");
        acks.done(3, "relay 2");
        assertThat(sent).containsExactly("relay", "relay 2");

        acks.done(1, "stuck");
        assertThat(sent).containsExactly("relay", "relay 2", "stuck");
        assertThat(acks.waiting()).isZero();
    }

    @Test
    void aPacketIdStillWaiting_isRefusedAsTheBrokersResend_andFreeAgainOnceAcknowledged() {
        assertThat(acks.take(7, "first")).isTrue();
        assertThat(acks.take(7, "resent")).isFalse();
        acks.take(8, "other");
        nanos.addAndGet(InOrderAcks.HOLD_NANOS + 1);
        acks.done(8, "other");
        assertThat(acks.take(7, "resent while overtaken")).isFalse();

        acks.done(7, "first");
        assertThat(sent).containsExactly("other", "first");
        assertThat(acks.take(7, "a new message")).isTrue();
    }

    @Test
    void aLateCallForAPacketIdTheBrokerHasGivenAnotherMessage_doesNothing() {
        acks.take(1, "old");
        acks.done(1, "old");
        acks.take(1, "new");
        acks.take(2, "next");

        acks.done(1, "old");
        acks.leave(1, "old");
        acks.done(2, "next");
        assertThat(sent).as("the new message of id 1 still waits for its own commit").containsExactly("old");
        assertThat(acks.waiting()).isEqualTo(2);
        acks.done(42, "never taken");
        assertThat(sent).containsExactly("old");
    }
}
