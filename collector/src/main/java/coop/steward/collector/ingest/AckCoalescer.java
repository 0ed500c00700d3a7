package coop.steward.collector.ingest;

import coop.steward.protocol.SeqRange;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Collects the seq numbers of handled messages per device and hands them out as coalesced inclusive ranges,
 * so one ack message confirms a whole burst.
 */
final class AckCoalescer {
    record Device(String site, String device) {
    }

    private final Map<Device, TreeSet<Long>> pending = new HashMap<>();

    synchronized void add(String site, String device, long seq) {
        pending.computeIfAbsent(new Device(site, device), d -> new TreeSet<>()).add(seq);
    }

    /** Everything added since the last call, as ascending ranges per device. */
    synchronized Map<Device, List<SeqRange>> drain() {
        Map<Device, List<SeqRange>> result = new HashMap<>();
        pending.forEach((device, seqs) -> result.put(device, ranges(seqs)));
        pending.clear();
        return result;
    }

    static List<SeqRange> ranges(Iterable<Long> ascending) {
        List<SeqRange> ranges = new ArrayList<>();
        long from = -1;
        long to = -1;
        for (long seq : ascending) {
            if (from >= 0 && seq == to + 1) {
                to = seq;
                continue;
            }
            if (from >= 0) {
                ranges.add(new SeqRange(from, to));
            }
            from = seq;
            to = seq;
        }
        if (from >= 0) {
            ranges.add(new SeqRange(from, to));
        }
        return ranges;
    }
}
