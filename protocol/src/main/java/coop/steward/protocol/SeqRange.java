package coop.steward.protocol;

/** An inclusive range of message sequence numbers, as in {@code readings/ack}. */
public record SeqRange(long from, long to) {
    public SeqRange {
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("seq range [" + from + ", " + to + "] is not a non-negative ascending range");
        }
    }

    public boolean contains(long seq) {
        return seq >= from && seq <= to;
    }
}
