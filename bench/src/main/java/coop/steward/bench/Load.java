package coop.steward.bench;

import coop.steward.protocol.ProtocolJson;
import coop.steward.protocol.Reading;
import coop.steward.protocol.ReadingsMessage;
import coop.steward.protocol.Topics;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/**
 * The standard load: {@code messages} QoS 1 readings messages of {@code perMessage} readings, published by
 * {@code publishers} parallel {@link BarePublisher}s, each a device of site "bench". Every reading has its own identity.
 */
final class Load {
    static final String SITE = "bench";
    private static final int SENSORS = 10;

    private final int publishers;
    private final int messages;
    private final int perMessage;
    private final long t0;

    Load(int publishers, int messages, int perMessage, long t0) {
        this.publishers = publishers;
        this.messages = messages;
        this.perMessage = perMessage;
        this.t0 = t0;
    }

    int publishers() {
        return publishers;
    }

    int messagesOf(int publisher) {
        return messages / publishers + (publisher < messages % publishers ? 1 : 0);
    }

    long readings() {
        return (long) messages * perMessage;
    }

    /** The load's messages, from all its publishers. */
    int messages() {
        return messages;
    }

    /**
     * The same load again, its times after this one's (and on a whole hour), so that none of its readings repeats
     * an identity of this one.
     */
    Load next() {
        long span = (long) messagesOf(0) * 1000 * (perMessage / SENSORS + 1);
        long hour = 3_600_000L;
        return new Load(publishers, messages, perMessage, t0 + (span / hour + 1) * hour);
    }

    /** The time of the load's newest reading. */
    long newest() {
        return t0 + (long) (messagesOf(0) - 1) * 1000 * (perMessage / SENSORS + 1)
                + (long) ((perMessage - 1) / SENSORS) * 1000L;
    }

    static String device(int publisher) {
        return "dev-" + publisher;
    }

    /** Publisher {@code publisher}'s messages, encoded. */
    List<byte[]> payloads(int publisher) {
        List<byte[]> payloads = new ArrayList<>();
        for (int m = 0; m < messagesOf(publisher); m++) {
            payloads.add(ProtocolJson.encode(ReadingsMessage.of(device(publisher), m, readings(m))));
        }
        return payloads;
    }

    /** Readings of message {@code m}: each sensor gets distinct times, one second apart per message. */
    List<Reading> readings(int m) {
        List<Reading> readings = new ArrayList<>(perMessage);
        for (int i = 0; i < perMessage; i++) {
            long t = t0 + (long) m * 1000 * (perMessage / SENSORS + 1) + (i / SENSORS) * 1000L;
            readings.add(new Reading("s" + (i % SENSORS), "soil_moisture", t, (m + i) % 100, "%"));
        }
        return readings;
    }

    /** Every publisher's messages, encoded before the clock starts: a run times publishing, not encoding. */
    Prepared prepare() {
        List<byte[][]> packets = new ArrayList<>();
        for (int p = 0; p < publishers; p++) {
            packets.add(BarePublisher.packets(Topics.readings(SITE, device(p)), payloads(p)));
        }
        return new Prepared(packets);
    }

    /** A load ready to publish, one array of MQTT packets per publisher. */
    record Prepared(List<byte[][]> packets) {
        /**
         * Publishes everything, each publisher a {@link BarePublisher} on a thread of its own with at most 500
         * messages unacknowledged; returns when the broker has acknowledged all of it, with the CPU the publishers'
         * threads spent, in nanoseconds.
         */
        long publish(String brokerUrl) throws Exception {
            return onThreads(packets.size(), "bench-publisher-", publisher -> BarePublisher.publish(brokerUrl,
                    "bench-pub-" + publisher + "-" + System.nanoTime(), packets.get(publisher), 500));
        }
    }

    /** What one publisher does. */
    interface Publishing {
        void run(int publisher) throws Exception;
    }

    /**
     * Runs each publisher on a thread of its own, named {@code name} and its number, and returns once all have ended,
     * with the CPU their threads spent in nanoseconds (so that what else the process spent meanwhile can be told
     * apart); throws the first failure, if any.
     */
    static long onThreads(int publishers, String name, Publishing publishing) throws Exception {
        List<Thread> threads = new ArrayList<>();
        List<Exception> failures = new CopyOnWriteArrayList<>();
        LongAdder cpuNanos = new LongAdder();
        for (int p = 0; p < publishers; p++) {
            int publisher = p;
            threads.add(new Thread(() -> {
                try {
                    publishing.run(publisher);
                } catch (Exception e) {
                    failures.add(e);
                } finally {
                    cpuNanos.add(ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime());
                }
            }, name + p));
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join();
        }
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
        return cpuNanos.sum();
    }
}
